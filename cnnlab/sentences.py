"""The report's sentences of analysis: pure functions of the statistics they state.

Each function takes numbers already computed from the cache (``Summary``, ``Comparison``, means) and
display names, and returns English; none reads the cache, so every branch can be tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnnlab import present
from cnnlab.stats import Comparison, Summary


def not_comparable(label: str, base: str, n: int, n_base: int) -> str:
    """Why a variant and the baseline cannot be compared yet."""
    return (
        f"With {n} run(s) of the {label} and {n_base} of the {base}, the two cannot be compared yet: "
        "a comparison needs at least two seeds of each."
    )


def mean_sentence(label: str, base: str, c: Comparison) -> str:
    """Whether the variant's mean test accuracy is significantly higher, lower, or not different."""
    diff = f"{present.pp(c.difference)} percentage points, {present.INTERVAL} {present.ci(c)}"
    tests = f"Welch's t-test {present.p_value(c.welch_p)}, Hedges' g = {present.num(c.hedges_g, 2)}"
    if c.significant:
        direction = "higher" if c.difference > 0 else "lower"
        return f"The {label} reaches a {direction} mean test accuracy than the {base} ({diff}; {tests})."
    return (
        f"The difference in mean test accuracy between the {label} and the {base} is not statistically "
        f"significant ({diff}; {tests}): with these seeds we cannot claim an improvement."
    )


def spread_sentence(c: Comparison) -> str:
    """Whether the spread over seeds is significantly smaller, larger, not different, or untestable."""
    if math.isnan(c.levene_p):
        return (
            "Its spread over seeds cannot be tested with these runs (Levene's test needs at least three "
            "seeds of each variant and test accuracies that are not all equal)."
        )
    ratio = f"standard deviation ratio {present.num(c.std_ratio, 2)}, Levene's test {present.p_value(c.levene_p)}"
    if c.spread_differs:
        return f"Its spread over seeds is significantly {'smaller' if c.std_ratio < 1 else 'larger'} ({ratio})."
    return f"Its spread over seeds is not significantly different ({ratio})."


def verdict(label: str, base: str, c: Comparison) -> str:
    """The answer to "is it better, and is it more robust?" from the tests against the baseline."""
    return f"{mean_sentence(label, base, c)} {spread_sentence(c)}"


@dataclass(frozen=True)
class Fit:
    """How a variant fits its training images: means over seeds after the last epoch."""

    train_loss: float  # training loss
    gap: float  # training accuracy minus validation accuracy (a fraction)


def fit_text(base: str, fit: Fit, base_fit: Fit) -> str:
    """How closely a variant fits its training images against the baseline, and what its gap says."""
    facts = (
        f"After the last epoch its training loss is {present.num(fit.train_loss)} against "
        f"{present.num(base_fit.train_loss)} for the {base}, and its training accuracy exceeds its validation "
        f"accuracy by {present.points(fit.gap, 1)} percentage points against {present.points(base_fit.gap, 1)} "
        "(means over seeds)"
    )
    closer, wider = fit.train_loss < base_fit.train_loss, fit.gap > base_fit.gap
    if closer and wider:
        reading = (
            "It fits the training images more closely, but the wider gap shows that the extra fit does not "
            "carry over to new images: it overfits more (the protocol has no dropout, weight decay or data "
            "augmentation to hold this back)"
        )
    elif closer:
        reading = "It fits the training images more closely without a wider gap"
    elif wider:
        reading = "It fits the training images less closely and still overfits more"
    else:
        reading = "It fits the training images less closely and overfits less"
    return f"{facts}. {reading}."


def recalibration_text(images: int, before: Summary, after: Summary, seed: int, moved: tuple[float, float]) -> str:
    """What recomputing BatchNorm's statistics from ``images`` training images does to the seeds.

    ``moved`` is the test accuracy, as trained and recomputed, of ``seed``, the seed that moves most.
    """
    text = (
        "At test time BatchNormalization normalises with running averages of the training batches' "
        f"statistics. Recomputing them from {present.count(images)} training images with each "
        "seed's final weights, without changing any trained weight, gives a test accuracy of "
        f"{present.pm(after)} against {present.pm(before, with_n=False)} as trained; the seed that moves "
        f"most, {seed}, goes from {present.pct(moved[0])} to {present.pct(moved[1])}."
    )
    if after.std >= before.std:
        return f"{text} The spread over seeds does not shrink: it comes from the learned weights themselves."
    share = "most" if after.std < before.std / 2 else "part"
    return (
        f"{text} The spread over seeds shrinks (standard deviation {present.points(before.std, 2)} → "
        f"{present.points(after.std, 2)} points): {share} of it comes from those running averages, not "
        "from what the networks learned."
    )


def recalibrated_against_baseline(base: str, c: Comparison) -> str:
    """The recomputed accuracies against the baseline, and why the tables keep the trained numbers."""
    standing = "a significant difference" if c.significant else "not a significant difference"
    return (
        f"Against the {base}, which has no BatchNormalization, that would be "
        f"{present.pp(c.difference)} percentage points ({present.INTERVAL} {present.ci(c)}; Welch's t-test "
        f"{present.p_value(c.welch_p)}), {standing}; but recomputing the statistics is a step the "
        "assignment's protocol does not take, so the tables keep the numbers as trained."
    )


def leader_text(best: str, best_pm: str, steadiest: str) -> str:
    """Which variant has the best mean test accuracy and which the smallest spread (display names)."""
    if best == steadiest:
        return f"The {best} has both the best mean test accuracy, {best_pm}, and the smallest spread over seeds"
    return (
        f"The best mean test accuracy is that of the {best}, {best_pm}; the smallest spread over seeds, "
        f"that of the {steadiest}"
    )


def balance_text(train_per_class: list[int], test_per_class: list[int]) -> str:
    """Whether the classes are exactly balanced in the training and test sets."""
    if len(set(train_per_class)) == 1 and len(set(test_per_class)) == 1:
        return "the classes are exactly balanced in both sets"
    return (
        f"the classes are not exactly balanced (from {min(train_per_class)} to "
        f"{max(train_per_class)} training images per class)"
    )


def correlation_reading(correlation: float) -> str:
    """What the mean correlation of a filter's colour channels says about the filters."""
    if correlation > 0.5:
        return "most filters look at brightness patterns the same way in all colours"
    return (
        "many filters weigh the colour channels differently, so they respond to colour contrasts as well as "
        "to brightness edges"
    )


def overfit_text(rising: int, runs: int, tolerance: float) -> str:
    """How many runs' validation loss ends more than ``tolerance`` above its minimum, and what that says."""
    if rising > runs / 2:
        return (
            f"In {rising} of {runs} runs the validation loss ends more than {present.pct(tolerance, 0)} above its "
            "minimum while the training loss keeps falling: the network overfits in the later epochs."
        )
    return (
        f"The validation loss ends within {present.pct(tolerance, 0)} of its minimum in {runs - rising} of "
        f"{runs} runs: little overfitting within these epochs."
    )


def offset_text(offset: float) -> str:
    """Whether the validation split stands in fairly for the test set (test minus validation accuracy)."""
    if offset < 0:
        return (
            "The validation split is a slightly optimistic stand-in for the test set; the test set's "
            "JPEG-derived images (@sec-data-note) may account for part of the offset."
        )
    return "The validation split is a fair stand-in for the test set."


def order_text(same_every_epoch: bool) -> str:
    """How Keras's seeded ``fit(shuffle=True)`` orders the training images, as observed."""
    if same_every_epoch:
        return (
            "Keras's `fit(shuffle=True)` shuffles the training part with a permutation drawn from the seed. "
            "Under a fixed seed its TensorFlow backend draws the same permutation at every epoch (observed with "
            "this report's Keras by recording the batches of a small seeded fit): a run visits its images in one "
            "shuffled order, epoch after epoch, rather than in a new order each epoch as textbook mini-batch SGD "
            "does. The runs keep this behaviour because it is what the assignment's seeded `model.fit` does; the "
            "seed fixes both the initial weights and that order"
        )
    return (
        "Keras's `fit(shuffle=True)` reshuffles the training part at every epoch; the seed fixes both the initial "
        "weights and the sequence of batch orders"
    )


def threads_text(threads: int | None) -> str:
    """The CPU threads a run used ("TensorFlow's default threads" when not recorded)."""
    if not threads:
        return "TensorFlow's default threads"
    return f"{threads} CPU thread{'s' if threads != 1 else ''} per run"


def resumed_text(resumed: int) -> str:
    """How many runs were interrupted and resumed, and why that changes none of their numbers."""
    if not resumed:
        return "No run was interrupted."
    return (
        f"{present.count_of(resumed, 'run was', 'runs were')} interrupted and resumed from the checkpoint of the "
        "last finished epoch, which gives the numbers of an uninterrupted run (Adam's state is saved with the "
        "weights, and the batch order is the same at every epoch)."
    )
