"""Statistics over seeds (Q9, Q13-Q15): summaries, intervals, and the comparison of two variants.

Everything comes from scipy.stats; the only formula written here is the standardised mean
difference (Hedges' g), which scipy does not provide.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

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

    @property
    def significant(self) -> bool:
        """Welch's test rejects equal means at the 5 % level."""
        return bool(self.welch_p < ALPHA)

    @property
    def spread_differs(self) -> bool:
        """Levene's test (median-centred, Brown-Forsythe) rejects equal variances at the 5 % level."""
        return bool(self.levene_p < ALPHA)


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
    return Comparison(
        difference=float(a.mean() - b.mean()),
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        welch_t=float(welch.statistic),
        welch_p=float(welch.pvalue),
        hedges_g=hedges_g(a, b),
        levene_p=float(levene_p),
        std_ratio=float(a.std(ddof=1) / b.std(ddof=1)) if b.std(ddof=1) else math.nan,
    )


def curve_band(histories: list, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epochs, mean and std (ddof=1, 0 for one run) of a history column across runs."""
    matrix = np.vstack([h[column].to_numpy(dtype=float) for h in histories])
    std = matrix.std(axis=0, ddof=1) if len(histories) > 1 else np.zeros(matrix.shape[1])
    return histories[0]["epoch"].to_numpy(), matrix.mean(axis=0), std
