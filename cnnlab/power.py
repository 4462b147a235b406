"""What ten seeds per variant can detect: the power of Welch's t-test and of Levene's test.

A comparison that finds no significant difference says little unless the smallest difference the
seeds could have found is known. For means, the two-sample t-test's power comes from the noncentral t
distribution (equal seeds and equal spread per group, where Welch's degrees of freedom are 2n - 2).
For spreads, Levene's test (median-centred, Brown-Forsythe) has no closed-form power, so it is
simulated on normal data with a fixed seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from cnnlab.stats import ALPHA, Interaction

POWER = 0.8


def t_test_power(effect: float, n: int, alpha: float = ALPHA) -> float:
    """Power of the two-sided two-sample t-test with ``n`` per group at standardised difference ``effect``."""
    if n < 2:
        raise ValueError(f"a t-test needs at least two values per group, got n = {n}")
    return shift_power(abs(effect) * math.sqrt(n / 2), 2 * n - 2, alpha)


def shift_power(shift: float, df: float, alpha: float = ALPHA) -> float:
    """Power of a two-sided t-test with ``df`` degrees of freedom when the true difference is ``shift`` standard
    errors (noncentral t)."""
    critical = stats.t.ppf(1 - alpha / 2, df)
    # The far tail (rejecting in the wrong direction) is negligible for large shifts, where scipy's
    # noncentral t can return NaN for it (scipy 1.17, e.g. df 18, shift 10).
    wrong_side = float(np.nan_to_num(stats.nct.cdf(-critical, df, shift), nan=0.0))
    return float(stats.nct.sf(critical, df, shift)) + wrong_side


def detectable_effect(n: int, power: float = POWER, alpha: float = ALPHA) -> float:
    """The standardised difference (Cohen's d) found with probability ``power`` with ``n`` per group."""
    return float(optimize.brentq(lambda d: t_test_power(d, n, alpha) - power, 1e-6, 100.0))


def detectable_difference(std: float, n: int = 10, power: float = POWER, alpha: float = ALPHA) -> float:
    """The smallest difference in means, in the units of ``std`` (the spread within a group), that ``n``
    seeds per group detect with probability ``power``."""
    return detectable_effect(n, power, alpha) * std


def detectable_between(a: np.ndarray | list[float], b: np.ndarray | list[float], power: float = POWER) -> float:
    """The difference in means two groups of seeds with these spreads detect with ``power`` (their pooled std,
    the smaller n); NaN when they have no spread."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2) if min(x.size, y.size) >= 2 else 0.0
    return detectable_difference(pooled, min(x.size, y.size), power) if pooled > 0 else math.nan


def detectable_shift(df: float, power: float = POWER) -> float:
    """The difference, in units of its standard error, that a two-sided t-test with ``df`` degrees of freedom
    detects with ``power`` (noncentral t)."""
    return float(optimize.brentq(lambda shift: shift_power(shift, df) - power, 1e-6, 100.0))


def paired_detectable(a: np.ndarray | list[float], b: np.ndarray | list[float], power: float = POWER) -> float:
    """The mean paired difference (a - b over the same seeds) the paired t-test detects with ``power``, at the
    spread of the observed differences (noncentral t with n - 1 degrees of freedom); NaN without spread."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n, std = diff.size, float(diff.std(ddof=1)) if diff.size >= 2 else 0.0
    return detectable_shift(n - 1, power) * std / math.sqrt(n) if std else math.nan


def interaction_detectable(interaction: Interaction, power: float = POWER) -> float:
    """The difference of differences that Welch's test of ``interaction`` detects with ``power``; NaN without spread."""
    return detectable_shift(interaction.df, power) * interaction.se if interaction.se else math.nan


def anova_detectable_spread(groups: int, n: int, within_std: float, power: float = POWER) -> float:
    """The standard deviation of the group means that a one-way ANOVA over ``groups`` groups of ``n`` detects
    with ``power`` (noncentral F, Cohen's f times the within-group std); NaN without spread."""
    if within_std <= 0 or groups < 2 or n < 2:
        return math.nan
    df1, df2 = groups - 1, groups * (n - 1)
    critical = stats.f.ppf(1 - ALPHA, df1, df2)
    f = optimize.brentq(lambda f: stats.ncf.sf(critical, df1, df2, f * f * groups * n) - power, 1e-6, 100.0)
    return float(f) * within_std


def seeds_needed(difference: float, std: float, power: float = POWER, alpha: float = ALPHA) -> int:
    """The fewest seeds per group that detect a difference in means of ``difference`` with ``power``."""
    if difference <= 0 or std <= 0:
        raise ValueError("the difference and the standard deviation must be positive")
    effect, n = difference / std, 2
    while t_test_power(effect, n, alpha) < power:
        n += 1
    return n


@dataclass(frozen=True)
class LevenePower:
    """The std ratio Levene's test detects with the given power, and how observed ratios scatter."""

    n: int  # values per group
    ratio: float  # true std ratio (>= 1) detected with probability `power`
    power: float
    replications: int
    null_median: float  # observed std ratio (first / second group) when the true stds are equal
    null_q25: float
    null_q75: float
    median: float  # observed std ratio when the true ratio is `ratio`
    q25: float
    q75: float


def levene_detectable_ratio(
    n: int = 10, power: float = POWER, alpha: float = ALPHA, replications: int = 2000, seed: int = 0
) -> LevenePower:
    """Simulate Levene's test on normal samples of ``n`` per group whose stds differ by a factor ``r``,
    and find the ``r`` it detects in a fraction ``power`` of ``replications`` (same draws for every r,
    so that the search is over a smooth, reproducible curve)."""
    if n < 3:
        raise ValueError(f"Levene's test needs at least three values per group, got n = {n}")
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, replications, n))

    def detected(r: float) -> float:
        return float(np.mean(stats.levene(r * a, b, center="median", axis=1).pvalue < alpha))

    ratio = float(optimize.bisect(lambda r: detected(r) - power, 1.0, 100.0, xtol=1e-3))
    observed = a.std(axis=1, ddof=1) / b.std(axis=1, ddof=1)  # scales with r: at r it is r * observed
    q25, median, q75 = (float(q) for q in np.quantile(observed, [0.25, 0.5, 0.75]))
    return LevenePower(n, ratio, power, replications, median, q25, q75, ratio * median, ratio * q25, ratio * q75)
