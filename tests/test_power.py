"""Power of the t-test against textbook values, and the simulated power of Levene's test."""

import numpy as np
import pytest
from scipy import stats

from cnnlab.power import (
    anova_detectable_spread,
    detectable_between,
    detectable_difference,
    detectable_effect,
    interaction_detectable,
    levene_detectable_ratio,
    paired_detectable,
    seeds_needed,
    t_test_power,
)
from cnnlab.stats import difference_of_differences


def test_t_test_power_matches_textbook_values():
    # G*Power / Cohen (1988): 10 per group detect d = 1.3249 with 80 % power at alpha 0.05, two-sided;
    # d = 0.5 needs 64 per group, d = 1 needs 17.
    assert detectable_effect(10) == pytest.approx(1.3249, abs=5e-4)
    assert seeds_needed(0.5, 1.0) == 64 and seeds_needed(1.0, 1.0) == 17
    assert seeds_needed(0.005, 0.01) == 64  # only the ratio of difference to spread matters
    assert t_test_power(0.0, 10) == pytest.approx(0.05)
    assert t_test_power(1.3249, 10) == pytest.approx(0.8, abs=1e-3)
    assert t_test_power(10.0, 10) == pytest.approx(1.0)  # scipy's far tail gives NaN here; handled


def test_detectable_difference_scales_with_the_spread_and_shrinks_with_seeds():
    assert detectable_difference(0.01) == pytest.approx(0.013249, abs=5e-6)
    assert detectable_difference(0.01, n=40) < detectable_difference(0.01, n=10)
    with pytest.raises(ValueError):
        seeds_needed(0.0, 0.01)
    with pytest.raises(ValueError):
        t_test_power(1.0, 1)


def test_t_test_power_agrees_with_a_simulation():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 4000, 10))
    simulated = np.mean(stats.ttest_ind(a + 1.0, b, axis=1).pvalue < 0.05)
    assert simulated == pytest.approx(t_test_power(1.0, 10), abs=0.03)


def test_levene_ratio_is_reproducible_and_has_the_power_it_claims():
    found = levene_detectable_ratio(10, replications=2000, seed=0)
    assert found == levene_detectable_ratio(10, replications=2000, seed=0)
    assert 2.5 < found.ratio < 6
    assert found.null_q25 < 1 < found.null_q75 and found.null_median == pytest.approx(1, abs=0.05)
    assert found.q25 < found.ratio < found.q75
    rng = np.random.default_rng(99)  # fresh draws: the power at the found ratio is about 80 %
    a, b = rng.standard_normal((2, 4000, 10))
    assert np.mean(stats.levene(found.ratio * a, b, center="median", axis=1).pvalue < 0.05) == pytest.approx(
        0.8, abs=0.04
    )
    assert levene_detectable_ratio(40, replications=1000).ratio < found.ratio
    with pytest.raises(ValueError):
        levene_detectable_ratio(2)


def test_detectable_differences_are_detected_with_80_percent_power_in_simulation():
    """Normal samples at the detectable difference are rejected in about 80 % of replications."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 0.01, 10), rng.normal(0, 0.007, 10)
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    assert detectable_between(a, b) == pytest.approx(detectable_difference(pooled, 10))
    assert np.isnan(detectable_between([0.5, 0.5], [0.5, 0.5]))
    shift = paired_detectable(a, b)
    diffs = rng.normal(shift, (a - b).std(ddof=1), (4000, 10))
    assert np.mean(stats.ttest_1samp(diffs, 0, axis=1).pvalue < 0.05) == pytest.approx(0.8, abs=0.025)
    spread = anova_detectable_spread(4, 10, 0.01)
    means = spread * np.array([-1, -1, 1, 1])  # population std of the four means = spread
    groups = rng.normal(means[:, None, None], 0.01, (4, 4000, 10))
    assert np.mean(stats.f_oneway(*groups, axis=1).pvalue < 0.05) == pytest.approx(0.8, abs=0.025)
    assert np.isnan(anova_detectable_spread(4, 10, 0.0))


def test_a_detectable_difference_of_differences_is_detected_with_80_percent_power_in_simulation():
    rng = np.random.default_rng(1)
    sizes, stds = (10, 10, 4, 4), (0.012, 0.007, 0.010, 0.011)
    a1, b1, a2, b2 = (rng.normal(0, s, n) for s, n in zip(stds, sizes, strict=True))
    shift = interaction_detectable(difference_of_differences(a1, b1, a2, b2))
    population = [np.std(g, ddof=1) for g in (a1, b1, a2, b2)]
    means = (0, 0, shift, 0)
    draws = [[rng.normal(mu, s, n) for mu, s, n in zip(means, population, sizes, strict=True)] for _ in range(2000)]
    rejected = [difference_of_differences(*groups).p < 0.05 for groups in draws]
    assert np.mean(rejected) == pytest.approx(0.8, abs=0.04)
    assert np.isnan(interaction_detectable(difference_of_differences([1, 1], [1, 1], [1, 1], [1, 1])))
