"""The sentences of Q15's robustness paragraph: a variant's lowest seed against its other seeds, what it does to
the mean and the median, and what its curves show."""

from __future__ import annotations

from scipy import stats

from cnnlab import present
from cnnlab.stats import Summary


def outlier_text(label: str, seed: int, value: float, others: Summary, std_all: float) -> str:
    """A variant's lowest seed against its other seeds, and its spread with and without it."""
    most = _most_of_the_variance(others, std_all)
    text = (
        f"{'Most of' if most else 'Part of'} the {label}'s variance over seeds comes from seed {seed}, at "
        f"{present.pct(value)} against {present.pm(others, with_n=False)} for its other {others.n} seeds; without "
        f"that seed its standard deviation would be {present.points(others.std, 2)} pp instead of "
        f"{present.points(std_all, 2)}."
    )
    if not most:
        return text
    rate = stats.binomtest(1, others.n + 1).proportion_ci(method="exact")
    return (
        f"{text} One seed in {others.n + 1} says little about how often such a seed comes: a rate anywhere from "
        f"{present.pct(rate.low, 1)} to {present.pct(rate.high, 0)} fits it, by the "
        f"{present.INTERVAL} of @clopper1934."
    )


def outlier_brief(seed: int, value: float, others: Summary, std_all: float) -> str:
    """The conclusions' sentence on a seed that makes most of a variant's variance over seeds ("" when none does)."""
    if not _most_of_the_variance(others, std_all):
        return ""
    return (
        f"Most of its variance over seeds comes from seed {seed}, at {present.pct(value)} against "
        f"{present.pm(others, with_n=False)} for its other {others.n} seeds."
    )


def _most_of_the_variance(others: Summary, std_all: float) -> bool:
    """Whether leaving the seed out would more than halve the variance over seeds."""
    return others.std**2 < std_all**2 / 2


def outlier_curves(
    seed: int, loss: float, others: tuple[float, float], late: float, others_late: float, epochs: int, batchnorm: bool
) -> str:
    """What a seed's curves show against its other seeds': its final training loss against their range, and its
    mean validation accuracy over the last ``epochs`` epochs against the lowest of theirs; for a variant with
    BatchNorm (``batchnorm``), what a seed that trains like the others but validates lower points to."""
    fits = others[0] <= loss <= others[1]
    below = late < others_late
    text = (
        f"Seed {seed}'s final training loss, {present.num(loss, 2)}, is {'within' if fits else 'outside'} the "
        f"others' range ({present.num(others[0], 2)} to {present.num(others[1], 2)}); its validation accuracy "
        f"averages {present.pct(late)} over the last {epochs} epochs, {'below' if below else 'against'} "
        f"{present.pct(others_late)} for the lowest of the others."
    )
    if fits and below and batchnorm:
        text += (
            " It fits its training batches like the others, scored with each batch's own statistics, but falls "
            "below them on the validation images, which Keras scores with the running statistics: that points to "
            "those statistics, and recomputing them (below) tests it."
        )
    return text


def median_text(seed: int, mean: tuple[float, float], median: tuple[float, float], iqr: tuple[float, float]) -> str:
    """How much the mean and the median move when the lowest seed is left out ((with it, without it) each);
    ``iqr`` is the interquartile range with it."""
    moves = (
        f"Leaving seed {seed} out moves the mean from {present.pct(mean[0])} to {present.pct(mean[1])} "
        f"({present.pp(mean[1] - mean[0])} pp) and the median from {present.pct(median[0])} to "
        f"{present.pct(median[1])} ({present.pp(median[1] - median[0])} pp)"
    )
    quartiles = f"[{present.pct(iqr[0])}, {present.pct(iqr[1])}]"
    if abs(median[1] - median[0]) < abs(mean[1] - mean[0]) / 2:
        return (
            f"{moves}: the median and the interquartile range {quartiles} (@tbl-summary) register the collapse of "
            "one seed much less than the mean and the standard deviation do."
        )
    return f"{moves}: the median moves about as much as the mean, so the collapse is not that of one seed alone."
