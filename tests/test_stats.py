"""The statistics against scipy and known values."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cnnlab.stats import compare, curve_band, hedges_g, summarize


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
