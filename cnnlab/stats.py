"""Statistics over seeds (Q9, Q13-Q15): summaries, intervals, and the comparison of two variants.

Everything comes from scipy.stats; the only formulas written here are the standardised mean
difference (Hedges' g) and Welch's test of a difference of two differences, which scipy does not provide.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

ALPHA = 0.05


@dataclass(frozen=True)
class Summary:
    """A metric over seeds: n, mean, sample std (ddof=1), 95 % t interval of the mean, min, max."""

    n: int
    mean: float
    std: float
    ci_low: float
    ci_high: float
    minimum: float
    maximum: float


def summarize(values: np.ndarray | list[float]) -> Summary:
    """Summary of one metric over seeds; with n = 1 the std and interval are NaN."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise ValueError("no values to summarise")
    n = int(x.size)
    mean = float(x.mean())
    std = float(x.std(ddof=1)) if n > 1 else math.nan
    if n > 1 and std > 0:
        low, high = stats.t.interval(1 - ALPHA, df=n - 1, loc=mean, scale=stats.sem(x))
    else:
        low, high = (mean, mean) if n > 1 else (math.nan, math.nan)
    return Summary(n, mean, std, float(low), float(high), float(x.min()), float(x.max()))


@dataclass(frozen=True)
class Comparison:
    """A variant against the baseline over seeds (difference = variant - baseline)."""

    difference: float
    ci_low: float
    ci_high: float
    welch_t: float
    welch_p: float
    hedges_g: float
    levene_p: float
    std_ratio: float  # variant std / baseline std
    mannwhitney_p: float = math.nan  # two-sided Mann-Whitney U test: do the seeds' ranks differ?
    # The same three p-values after Holm's correction over the comparison's family (NaN: in no family).
    holm_welch_p: float = math.nan
    holm_mannwhitney_p: float = math.nan
    holm_levene_p: float = math.nan

    @property
    def mean_p(self) -> float:
        """The p-value that decides about the means: Welch's after Holm's correction when in a family."""
        return self.welch_p if math.isnan(self.holm_welch_p) else self.holm_welch_p

    @property
    def ranks_p(self) -> float:
        """The p-value that decides about the ranks: Mann-Whitney's, after Holm's correction when in a family."""
        return self.mannwhitney_p if math.isnan(self.holm_mannwhitney_p) else self.holm_mannwhitney_p

    @property
    def spread_p(self) -> float:
        """The p-value that decides about the spread: Levene's, after Holm's correction when in a family."""
        return self.levene_p if math.isnan(self.holm_levene_p) else self.holm_levene_p

    @property
    def significant(self) -> bool:
        """Welch's test (Holm-corrected within its family, if any) rejects equal means at the 5 % level."""
        return bool(self.mean_p < ALPHA)

    @property
    def spread_differs(self) -> bool:
        """Levene's test (median-centred, Brown-Forsythe; Holm-corrected if in a family) rejects equal variances."""
        return bool(self.spread_p < ALPHA)


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference (a - b) / pooled std, with the small-sample correction."""
    na, nb = len(a), len(b)
    pooled = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    if pooled == 0:
        return math.nan
    correction = 1 - 3 / (4 * (na + nb) - 9)
    return float((a.mean() - b.mean()) / pooled * correction)


def compare(variant: np.ndarray | list[float], baseline: np.ndarray | list[float]) -> Comparison:
    """Welch's t-test with the 95 % interval of the difference, Hedges' g, and Levene's test of spread."""
    a, b = np.asarray(variant, dtype=float), np.asarray(baseline, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("a comparison needs at least two seeds on each side")
    # Seeds that give identical values (tiny quick runs) make both tests undefined: scipy then
    # warns and returns NaN, which the report prints as "undefined" rather than as a result.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        welch = stats.ttest_ind(a, b, equal_var=False)
        interval = welch.confidence_interval(confidence_level=1 - ALPHA)
        # With two values, both deviations from the median are equal: no within-group spread to test.
        levene_p = stats.levene(a, b, center="median").pvalue if min(len(a), len(b)) >= 3 else math.nan
        ranks_p = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
    return Comparison(
        difference=float(a.mean() - b.mean()),
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        welch_t=float(welch.statistic),
        welch_p=float(welch.pvalue),
        hedges_g=hedges_g(a, b),
        levene_p=float(levene_p),
        std_ratio=float(a.std(ddof=1) / b.std(ddof=1)) if b.std(ddof=1) else math.nan,
        mannwhitney_p=float(ranks_p),
    )


@dataclass(frozen=True)
class Interaction:
    """(a2 - b2) - (a1 - b1): how much a difference of two groups changes between two conditions."""

    difference: float
    ci_low: float  # Welch's 95 % interval, Satterthwaite's degrees of freedom
    ci_high: float
    p: float  # two-sided Welch t-test that the two differences are equal
    se: float  # standard error of the difference
    df: float  # Satterthwaite's degrees of freedom


def difference_of_differences(
    a1: np.ndarray | list[float],
    b1: np.ndarray | list[float],
    a2: np.ndarray | list[float],
    b2: np.ndarray | list[float],
) -> Interaction:
    """Welch's t-test of (a2 - b2) - (a1 - b1), none of the four groups assumed to share a variance; the groups are
    taken as independent (runs matched by seed across them, as in the seed study, are treated as unmatched)."""
    groups = [np.asarray(g, dtype=float) for g in (a2, b2, a1, b1)]
    if min(g.size for g in groups) < 2:
        raise ValueError("a difference of differences needs at least two values per group")
    difference = groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean()
    terms = np.array([g.var(ddof=1) / g.size for g in groups])
    se = math.sqrt(terms.sum())
    if se == 0:
        return Interaction(float(difference), math.nan, math.nan, math.nan, 0.0, math.nan)
    df = terms.sum() ** 2 / sum(t**2 / (g.size - 1) for t, g in zip(terms, groups, strict=True))
    half = stats.t.ppf(1 - ALPHA / 2, df) * se
    p = 2 * stats.t.sf(abs(difference) / se, df)
    return Interaction(float(difference), float(difference - half), float(difference + half), float(p), se, float(df))


def signed_rank_p(differences: np.ndarray) -> float:
    """Wilcoxon's signed-rank test that paired differences centre on zero; NaN when every difference is zero."""
    if not np.any(differences):
        return math.nan
    with warnings.catch_warnings():  # a few tiny differences warn of an inexact p; the p is still the test's
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(differences).pvalue)


def paired(a: np.ndarray | list[float], b: np.ndarray | list[float]) -> Comparison:
    """A paired t-test of a - b over the same seeds, as a ``Comparison`` (its Welch fields hold the paired
    test, its Mann-Whitney field Wilcoxon's signed-rank test; no spread test)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with warnings.catch_warnings():  # identical pairs (tiny test runs) make the tests undefined: NaN, not a warning
        warnings.simplefilter("ignore")
        test = stats.ttest_rel(x, y)
        interval = test.confidence_interval(confidence_level=1 - ALPHA)
        diff = x - y
        signed_rank = signed_rank_p(diff)
    g = float(diff.mean() / diff.std(ddof=1)) if diff.std(ddof=1) else math.nan
    return Comparison(
        float(diff.mean()), float(interval.low), float(interval.high), float(test.statistic), float(test.pvalue),
        g, math.nan, math.nan, float(signed_rank),
    )  # fmt: skip


def family(pairs: Mapping[str, tuple[np.ndarray, np.ndarray]], is_paired: bool = False) -> dict[str, Comparison]:
    """Compare each pair (variant, baseline) of a family that asks one question of several variants, and
    correct each test's p-values with Holm's method over the family (``holm_*`` fields)."""
    tested = {name: (paired if is_paired else compare)(a, b) for name, (a, b) in pairs.items()}
    if len(tested) < 2:  # a single test is no family: nothing to correct
        return tested
    names = list(tested)
    adjusted = {
        field: holm([getattr(tested[n], field) for n in names]) for field in ("welch_p", "mannwhitney_p", "levene_p")
    }
    return {
        n: replace(
            tested[n],
            holm_welch_p=float(adjusted["welch_p"][i]),
            holm_mannwhitney_p=float(adjusted["mannwhitney_p"][i]),
            holm_levene_p=float(adjusted["levene_p"][i]),
        )
        for i, n in enumerate(names)
    }


def paired_spread_p(a: np.ndarray | list[float], b: np.ndarray | list[float]) -> float:
    """Pitman-Morgan test that two paired samples (the same seeds, measured twice) have equal variances: the
    correlation of their sums with their differences is zero exactly when the variances are equal."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size < 3 or not np.any(x - y) or not np.any(x + y - (x + y).mean()):
        return math.nan
    return float(stats.pearsonr(x + y, x - y).pvalue)


def curve_band(histories: list, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epochs, mean and std (ddof=1, 0 for one run) of a history column across runs."""
    matrix = np.vstack([h[column].to_numpy(dtype=float) for h in histories])
    std = matrix.std(axis=0, ddof=1) if len(histories) > 1 else np.zeros(matrix.shape[1])
    return histories[0]["epoch"].to_numpy(), matrix.mean(axis=0), std


def holm(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Holm's step-down adjustment of several p-values (same order as given; NaN stays NaN).

    Rejecting where the adjusted p is below alpha keeps the chance of any false rejection among
    the family at alpha, without assuming the tests are independent.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, math.nan)
    finite = np.flatnonzero(~np.isnan(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


def std_interval(values: np.ndarray | list[float], confidence: float = 1 - ALPHA) -> tuple[float, float]:
    """Confidence interval of a standard deviation from the chi-square distribution (normal data)."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        raise ValueError("a standard deviation needs at least two values")
    df, tail = x.size - 1, (1 - confidence) / 2
    variance = x.var(ddof=1)
    return (
        float(math.sqrt(df * variance / stats.chi2.ppf(1 - tail, df))),
        float(math.sqrt(df * variance / stats.chi2.ppf(tail, df))),
    )


@dataclass(frozen=True)
class StdRatio:
    """Two groups' spreads: the ratio of standard deviations (first / second) and tests that they differ."""

    ratio: float
    ci_low: float  # F-distribution interval of the ratio (normal data)
    ci_high: float
    f_p: float  # two-sided F-test of equal variances
    levene_p: float  # Brown-Forsythe (median-centred Levene), robust to non-normal data

    @property
    def excludes_equal(self) -> bool:
        """The F interval of the ratio leaves out 1: equal spreads, before any correction for several ratios."""
        return not self.ci_low <= 1 <= self.ci_high


def std_ratio(a: np.ndarray | list[float], b: np.ndarray | list[float], confidence: float = 1 - ALPHA) -> StdRatio:
    """Compare the standard deviations of two groups: the ratio with its F interval, the F-test and Levene's."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if min(x.size, y.size) < 3:
        raise ValueError("comparing spreads needs at least three values per group")
    f = x.var(ddof=1) / y.var(ddof=1)
    dfx, dfy, tail = x.size - 1, y.size - 1, (1 - confidence) / 2
    f_p = 2 * min(stats.f.cdf(f, dfx, dfy), stats.f.sf(f, dfx, dfy))
    return StdRatio(
        ratio=float(math.sqrt(f)),
        ci_low=float(math.sqrt(f / stats.f.ppf(1 - tail, dfx, dfy))),
        ci_high=float(math.sqrt(f / stats.f.ppf(tail, dfx, dfy))),
        f_p=float(min(f_p, 1.0)),
        levene_p=spread_p(x, y),
    )


def spread_p(*groups: np.ndarray | list[float]) -> float:
    """Brown-Forsythe test (Levene's, median-centred) that two or more groups' spreads differ: its p-value."""
    if len(groups) < 2 or min(len(g) for g in groups) < 3:
        raise ValueError("a test of spread needs two or more groups of at least three values")
    return float(stats.levene(*(np.asarray(g, dtype=float) for g in groups), center="median").pvalue)


def binomial_se(accuracy: float, images: int) -> float:
    """The standard error of an accuracy measured on ``images`` test images: √(p(1 − p)/n)."""
    return math.sqrt(accuracy * (1 - accuracy) / images)
