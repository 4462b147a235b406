"""The report's sentences of analysis: pure functions of the statistics they state.

Each function takes numbers already computed from the cache (``Summary``, ``Comparison``, means) and
display names, and returns English; none reads the cache, so every branch can be tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnnlab import present
from cnnlab.power import POWER
from cnnlab.stats import ALPHA, Comparison, Summary


def not_comparable(label: str, base: str, n: int, n_base: int) -> str:
    """Why a variant and the baseline cannot be compared yet."""
    return (
        f"With {n} run(s) of the {label} and {n_base} of the {base}, the two cannot be compared yet: "
        "a comparison needs at least two seeds of each."
    )


def mean_sentence(
    label: str, base: str, c: Comparison, adjusted_p: float | None = None, detectable: float | None = None
) -> str:
    """Whether the variant's mean test accuracy is significantly higher, lower, or not shown to differ.

    ``adjusted_p`` is Welch's p after Holm's correction over the family of comparisons (it decides when
    given); ``detectable`` is the difference (a fraction) these seeds would have found with 80 % power.
    """
    direction = "higher" if c.difference > 0 else "lower"
    diff = f"{present.pp(c.difference)} percentage points, {present.INTERVAL} {present.ci(c)}"
    tests = f"Welch's t-test {present.p_value(c.welch_p)}"
    if adjusted_p is not None:
        tests += f", {present.p_value(adjusted_p)} after Holm's correction over the comparisons with the {base}"
    tests += f"; Hedges' g = {present.num(c.hedges_g, 2)}"
    p = c.welch_p if adjusted_p is None else adjusted_p
    if p < ALPHA:
        reading = "it is better on this test set" if c.difference > 0 else "it is worse on this test set"
        return (
            f"The {label} has a significantly {direction} mean test accuracy than the {base} ({diff}; {tests}): "
            f"{reading}."
        )
    text = (
        f"The mean test accuracy of the {label} is {present.points(abs(c.difference), 2)} percentage points "
        f"{direction} than that of the {base} ({present.INTERVAL} {present.ci(c)}; {tests}), a difference these "
        "seeds cannot tell from chance: neither is shown to be better."
    )
    if detectable is not None and not math.isnan(detectable):
        text += (
            f" With these seeds a difference of {present.points(detectable, 2)} percentage points or more would "
            f"have been detected with {present.pct(POWER, 0)} power."
        )
    return text


def spread_sentence(c: Comparison, detectable_ratio: float | None = None) -> str:
    """Whether the spread over seeds is significantly smaller, larger, not shown to differ, or untestable.

    ``detectable_ratio`` is the ratio of standard deviations Levene's test finds with 80 % power here.
    """
    if math.isnan(c.levene_p):
        return (
            "Its spread over seeds cannot be tested with these runs (Levene's test needs at least three "
            "seeds of each variant and test accuracies that are not all equal)."
        )
    ratio = f"standard deviation ratio {present.num(c.std_ratio, 2)}, Levene's test {present.p_value(c.levene_p)}"
    direction = "smaller" if c.std_ratio < 1 else "larger"
    if c.spread_differs:
        robust = "more" if c.std_ratio < 1 else "less"
        return f"Its spread over seeds is significantly {direction} ({ratio}): it is {robust} robust to the seed."
    text = (
        f"Its spread over seeds is {direction} but not significantly so ({ratio}): the seeds do not show it to be "
        "more or less robust."
    )
    if detectable_ratio is not None and not math.isnan(detectable_ratio):
        text += (
            f" (With these seeds, Levene's test detects with {present.pct(POWER, 0)} power only spreads that differ "
            f"by a factor of about {present.num(detectable_ratio, 1)} or more.)"
        )
    return text


def verdict(
    label: str,
    base: str,
    c: Comparison,
    adjusted_p: float | None = None,
    detectable: float | None = None,
    detectable_ratio: float | None = None,
) -> str:
    """The answer to "is it better, and is it more robust?" from the tests against the baseline."""
    return f"{mean_sentence(label, base, c, adjusted_p, detectable)} {spread_sentence(c, detectable_ratio)}"


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
