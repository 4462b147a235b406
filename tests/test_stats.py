"""The statistics against scipy and known values."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cnnlab.stats import (
    compare,
    curve_band,
    difference_of_differences,
    family,
    hedges_g,
    holm,
    paired,
    paired_spread_p,
    spread_p,
    std_interval,
    std_ratio,
    summarize,
)


def test_summary_of_known_values():
    s = summarize([0.60, 0.62, 0.64, 0.66, 0.68])
    assert s.n == 5 and s.mean == pytest.approx(0.64) and s.std == pytest.approx(math.sqrt(0.001))
    half = stats.t.ppf(0.975, 4) * math.sqrt(0.001) / math.sqrt(5)
    assert (s.ci_low, s.ci_high) == pytest.approx((0.64 - half, 0.64 + half))
    assert (s.minimum, s.maximum) == (0.60, 0.68)


def test_single_value_has_no_spread():
    s = summarize([0.5])
    assert s.n == 1 and math.isnan(s.std) and math.isnan(s.ci_low)
    with pytest.raises(ValueError):
        summarize([])


def test_comparison_matches_scipy():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.66, 0.01, 10), rng.normal(0.64, 0.02, 10)
    c = compare(a, b)
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert c.welch_p == pytest.approx(welch.pvalue) and c.welch_t == pytest.approx(welch.statistic)
    assert c.difference == pytest.approx(a.mean() - b.mean())
    assert c.ci_low < c.difference < c.ci_high
    assert c.levene_p == pytest.approx(stats.levene(a, b, center="median").pvalue)
    assert c.std_ratio == pytest.approx(a.std(ddof=1) / b.std(ddof=1))


def test_clear_and_null_differences():
    base = [0.60, 0.61, 0.62, 0.61, 0.60]
    assert compare([0.70, 0.71, 0.72, 0.71, 0.70], base).significant
    assert not compare([0.61, 0.60, 0.62, 0.60, 0.61], base).significant
    with pytest.raises(ValueError, match="two seeds"):
        compare([0.6], base)


def test_spread_is_not_tested_with_two_seeds():
    """Two values deviate equally from their median, so Levene's test would report a spurious p = 0."""
    c = compare([0.60, 0.64], [0.61, 0.62])
    assert np.isnan(c.levene_p) and not c.spread_differs
    with np.errstate(divide="ignore"):  # what scipy would say: no within-group spread, W infinite
        assert stats.levene([0.60, 0.64], [0.61, 0.62], center="median").pvalue < 0.05


def test_hedges_g_known_value():
    a, b = np.array([2.0, 4.0, 6.0]), np.array([1.0, 3.0, 5.0])
    # pooled std = 2, d = 0.5, correction 1 - 3/(4*6-9) = 0.8
    assert hedges_g(a, b) == pytest.approx(0.4)


def test_curve_band():
    h1 = pd.DataFrame({"epoch": [1, 2], "loss": [2.0, 1.0]})
    h2 = pd.DataFrame({"epoch": [1, 2], "loss": [4.0, 1.0]})
    epochs, mean, std = curve_band([h1, h2], "loss")
    assert epochs.tolist() == [1, 2] and mean.tolist() == [3.0, 1.0]
    assert std == pytest.approx([math.sqrt(2), 0.0])


def test_identical_values_give_undefined_tests_not_warnings(recwarn):
    c = compare([0.5, 0.5], [0.5, 0.5])
    assert math.isnan(c.welch_p) and not c.significant and not c.spread_differs
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_holm_on_known_p_values():
    # sorted: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 -> kept at 0.06 (monotone)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    adjusted = holm([0.01, math.nan, 0.02])
    assert math.isnan(adjusted[1]) and adjusted[[0, 2]] == pytest.approx([0.02, 0.02])


def test_std_interval_from_the_chi_square():
    low, high = std_interval([1.0, 2.0, 3.0, 4.0, 5.0])  # s^2 = 2.5, df = 4
    assert low == pytest.approx(math.sqrt(10 / stats.chi2.ppf(0.975, 4)))
    assert high == pytest.approx(math.sqrt(10 / stats.chi2.ppf(0.025, 4)))
    assert low < math.sqrt(2.5) < high
    with pytest.raises(ValueError):
        std_interval([1.0])


def test_std_ratio_f_interval_and_tests():
    a, b = [1.0, 3.0, 5.0, 7.0, 9.0], [4.0, 5.0, 6.0, 5.0, 4.0]  # variances 10 and 0.7
    r = std_ratio(a, b)
    f = 10 / 0.7
    assert r.ratio == pytest.approx(math.sqrt(f))
    assert r.ci_low == pytest.approx(math.sqrt(f / stats.f.ppf(0.975, 4, 4)))
    assert r.ci_low < r.ratio < r.ci_high
    assert r.f_p == pytest.approx(2 * stats.f.sf(f, 4, 4)) and r.f_p < 0.05
    assert r.levene_p == pytest.approx(stats.levene(a, b, center="median").pvalue)
    assert std_ratio(b, a).ratio == pytest.approx(1 / r.ratio) and std_ratio(b, a).f_p == pytest.approx(r.f_p)


def test_spread_of_three_groups():
    rng = np.random.default_rng(2)
    groups = [rng.normal(0, s, 10) for s in (1.0, 1.0, 5.0)]
    assert spread_p(*groups) == pytest.approx(stats.levene(*groups, center="median").pvalue)
    assert spread_p(*groups) < 0.05
    with pytest.raises(ValueError):
        spread_p([1.0, 2.0, 3.0])


def test_comparison_adds_mann_whitney_and_paired_tests_match_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.62, 0.01, 10), rng.normal(0.63, 0.007, 10)
    assert compare(a, b).mannwhitney_p == pytest.approx(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    c = paired(a, b)
    assert c.welch_p == pytest.approx(stats.ttest_rel(a, b).pvalue) and c.difference == pytest.approx((a - b).mean())
    assert c.mannwhitney_p == pytest.approx(stats.wilcoxon(a, b).pvalue) and math.isnan(c.levene_p)


def test_family_corrects_each_test_with_holm_and_a_single_test_is_no_family():
    rng = np.random.default_rng(4)
    base = rng.normal(0.63, 0.007, 10)
    pairs = {v: (rng.normal(0.63 + d, 0.007 * s, 10), base) for v, d, s in (("a", -0.02, 1), ("b", 0, 3), ("c", 0, 1))}
    tested = family(pairs)
    for field in ("welch_p", "mannwhitney_p", "levene_p"):
        raw = [getattr(compare(*pairs[v]), field) for v in pairs]
        assert [getattr(tested[v], f"holm_{field}") for v in pairs] == pytest.approx(list(holm(raw)))
    assert tested["a"].significant == (tested["a"].holm_welch_p < 0.05) and tested["a"].mean_p != tested["a"].welch_p
    assert tested["b"].spread_p == tested["b"].holm_levene_p
    alone = family({"a": pairs["a"]})["a"]
    assert alone == compare(*pairs["a"]) and alone.mean_p == alone.welch_p


def test_paired_spread_p_is_pitman_morgan():
    rng = np.random.default_rng(5)
    before = rng.normal(0.62, 0.027, 10)
    after = 0.65 + 0.2 * (before - 0.62) + rng.normal(0, 0.002, 10)  # the same seeds, a fifth of the spread
    assert paired_spread_p(before, after) == pytest.approx(stats.pearsonr(before + after, before - after).pvalue)
    assert paired_spread_p(before, after) < 0.05
    assert paired_spread_p(before, before + rng.normal(0, 0.001, 10)) > 0.05
    assert math.isnan(paired_spread_p(before[:2], after[:2]))


def test_a_difference_of_differences_is_welch_s_test_when_one_condition_has_no_spread():
    a, b = np.array([0.61, 0.63, 0.60, 0.64, 0.62]), np.array([0.58, 0.57, 0.60, 0.59])
    flat = np.full(6, 0.5)
    welch = stats.ttest_ind(a, b, equal_var=False)
    interval = welch.confidence_interval(0.95)
    contrast = difference_of_differences(flat, flat, a, b)
    assert contrast.difference == pytest.approx(a.mean() - b.mean())
    assert contrast.p == pytest.approx(welch.pvalue)
    assert (contrast.ci_low, contrast.ci_high) == pytest.approx((interval.low, interval.high))
    # the first condition's difference is subtracted, and its spread widens the interval
    shifted = difference_of_differences(a, b, a + 0.01, b)
    assert shifted.difference == pytest.approx(0.01) and shifted.ci_high - shifted.ci_low > interval.high - interval.low
