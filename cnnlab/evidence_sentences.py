"""Sentences that state the report's claims with their evidence: test sets, curves, BatchNorm, power.

Like ``sentences``, every function is a pure function of numbers already computed (fractions for
accuracies, losses as they are) and display names, so that each branch can be tested on its own.
"""

from __future__ import annotations

from cnnlab import present
from cnnlab.power import POWER
from cnnlab.stats import ALPHA, Comparison, Summary

# Display names that read badly inside a sentence ("between the tiny VGG, 3 blocks and ..."), as prose says them.
PROSE_NAMES = {"tiny VGG, 3 blocks": "tiny VGG with three blocks"}


def prose_name(label: str) -> str:
    """A variant's display name as a sentence says it."""
    return PROSE_NAMES.get(label, label)


def _p(c: Comparison, test: str = "Welch's t-test") -> str:
    return f"{present.pp(c.difference)} percentage points, {test} {present.p_value(c.welch_p)}"


def exact_agreement(full: Comparison, exact: Comparison, n_exact: int, adjusted: tuple[float, float]) -> str:
    """What the comparison gives on the exact test images, and whether it agrees with the full test set.

    ``adjusted`` is the Holm-adjusted Welch p on (the full set, the exact images): it decides significance.
    """
    subset = f"the exact first {present.count(n_exact)} test images"
    full_sig, exact_sig = adjusted[0] < ALPHA, adjusted[1] < ALPHA
    facts = f"{_p(exact)}, {present.p_value(adjusted[1])} after Holm's correction"
    if full_sig == exact_sig and ((full.difference > 0) == (exact.difference > 0) or not full_sig):
        return f"On {subset} the difference is {facts}: the same conclusion."
    if full_sig:
        return (
            f"On {subset}, however, the difference is {facts}, not significant: the two test sets disagree, and "
            "the exact images alone, a tenth of the test set, do not confirm the difference."
        )
    return (
        f"On {subset}, however, the difference is {facts}, significant: the two test sets disagree, and the "
        "full set, mostly JPEG-compressed images, does not show what the exact images do."
    )


def power_text(std: float, n: int, detectable: float, needed: dict[float, int]) -> str:
    """The smallest difference ``n`` seeds per variant detect at the given spread, and the seeds others need."""
    others = " and ".join(
        f"{present.count(seeds)} for {present.points(diff, 1)} point{'s' if diff != 0.01 else ''}"
        for diff, seeds in needed.items()
    )
    return (
        f"What do {present.count(n)} seeds resolve? With a standard deviation of {present.points(std, 2)} percentage "
        f"points over seeds, two variants compared over {present.count(n)} seeds each differ detectably (Welch's "
        f"test at {present.pct(ALPHA, 0)}, {present.pct(POWER, 0)} power) from {present.points(detectable, 2)} "
        f"points on; smaller differences need more seeds per variant: {others}."
    )


def stopping_text(epochs: int, min_epoch: Summary, val_rise: float, test_rise: float, train_fall: float) -> str:
    """Where validation loss bottoms out and how the losses move after it (means over seeds)."""
    facts = (
        f"The validation loss is lowest at epoch {present.num(min_epoch.mean, 0)} ± {present.num(min_epoch.std, 0)} "
        f"(mean ± std over {min_epoch.n} seeds; from epoch {present.num(min_epoch.minimum, 0)} to "
        f"{present.num(min_epoch.maximum, 0)}). From there to epoch {epochs} the training loss falls by "
        f"{present.num(train_fall)} while the validation loss rises by {present.num(val_rise)} and the test loss "
        f"by {present.num(test_rise)} above their minima"
    )
    if val_rise > 0 and test_rise > 0 and train_fall > 0:
        return f"{facts}: the network overfits in its later epochs, mildly."
    return f"{facts}: no clear overfitting within these epochs."


def early_stopping_text(at_best: Summary, final: Summary) -> str:
    """What keeping the epoch of best validation accuracy would have given, against the last epoch."""
    gain = at_best.mean - final.mean
    verb = "gained" if gain > 0 else "cost"
    return (
        f"Keeping the weights of the epoch with the best validation accuracy, instead of the last epoch, would have "
        f"{verb} {present.points(abs(gain), 2)} percentage points of test accuracy "
        f"({present.pm(at_best, with_n=False)} against {present.pm(final, with_n=False)}); the protocol keeps "
        "the last epoch."
    )


def validation_offset(validation: float, full: float, exact: float, n_exact: int) -> str:
    """Where the validation accuracy sits between the full test set and its exact images (last epoch, means)."""
    facts = (
        f"At the last epoch the validation accuracy is {present.pct(validation)} on average, the test accuracy "
        f"{present.pct(full)} on the full test set and {present.pct(exact)} on its exact first "
        f"{present.count(n_exact)} images"
    )
    if abs(validation - exact) < abs(validation - full):
        return (
            f"{facts}. The validation split scores like the exact test images ({present.pp(validation - exact)} "
            "points): the test curve's offset below it comes from the JPEG-derived test images "
            "(@sec-jpeg), not from an optimistic validation split."
        )
    return f"{facts}. The validation split sits closer to the full test set than to its exact images."


def lead_text(label: str, base: str, lead_until: int, max_lead: float, max_epoch: int, final: float) -> str:
    """How the variant's mean validation accuracy runs against the baseline's: ahead until an epoch, then behind.

    ``lead_until`` is the last epoch of the lead (0 when it never leads; the last epoch when it leads to the end).
    """
    if lead_until == 0:
        return f"The {label}'s mean validation accuracy stays below the {base}'s at every epoch."
    lead = (
        f"The {label} leads the {base} in mean validation accuracy until epoch {lead_until} (by up to "
        f"{present.points(max_lead, 1)} percentage points, at epoch {max_epoch})"
    )
    if final > 0:
        return f"{lead} and is still ahead at the last epoch ({present.pp(final, 1)} points)."
    return f"{lead}, then falls behind and ends {present.points(-final, 1)} points below it."


def modes_text(
    label: str, base: str, train: tuple[float, float], test: tuple[float, float], gaps: tuple[float, float]
) -> str:
    """The variant's accuracies with running statistics and with batch statistics, and its gap against the base.

    ``train`` and ``test`` are (running statistics, batch statistics); ``gaps`` is (variant, base): training
    part minus validation accuracy in inference mode. All means over seeds.
    """
    return (
        f"With its running statistics, as at test time, the {label} classifies {present.pct(train[0])} of its "
        f"training images correctly, and {present.pct(train[1])} with each batch's own statistics, as in "
        f"training; on the test set, {present.pct(test[0])} against {present.pct(test[1])}. Scored this way after "
        f"training, its training accuracy exceeds its validation accuracy by {present.points(gaps[0], 1)} "
        "percentage points, against "
        f"{present.points(gaps[1], 1)} for the {base}."
    )


def batchnorm_reading(label: str, base: str, mismatch: Comparison, overfit: Comparison, behind: float) -> str:
    """Which explanation of the variant's lower accuracy the numbers support.

    ``mismatch`` compares test accuracy with batch statistics to running statistics (paired over seeds);
    ``overfit`` compares the variant's train-validation gap with the base's; ``behind`` is the variant's
    test accuracy with batch statistics minus the base's.
    """
    stats_cost = mismatch.significant and mismatch.difference > 0
    wider = overfit.significant and overfit.difference > 0
    evidence = f"(batch statistics {_p(mismatch, 'paired t-test')}; gap {_p(overfit)} against the {base})"
    if stats_cost and wider:
        reading = "both: the running statistics cost test accuracy, and the network overfits more than the " + base
    elif stats_cost:
        reading = f"a running-statistics mismatch; its gap is not detectably wider than the {base}'s"
    elif wider:
        reading = f"overfitting: its gap is wider than the {base}'s, and batch statistics recover nothing detectable"
    else:
        reading = "neither explanation detectably"
    rest = (
        f" Even with batch statistics it stays {present.points(-behind, 2)} points below the {base}."
        if behind < 0
        else ""
    )
    return f"The numbers support {reading} {evidence}.{rest}"


def jpeg_text(drops: dict[str, Summary], anova_p: float, quality: int) -> str:
    """The paired JPEG experiment: each variant's drop and whether the variants differ in it."""
    low, high = min(drops, key=lambda v: drops[v].mean), max(drops, key=lambda v: drops[v].mean)
    facts = (
        f"JPEG compression at quality {quality} costs every variant accuracy on the same images: on average from "
        f"{present.points(drops[low].mean, 2)} percentage points (the {low}) to {present.points(drops[high].mean, 2)} "
        f"(the {high})"
    )
    if anova_p < ALPHA:
        return f"{facts}, and the variants differ in this drop (one-way ANOVA over seeds, {present.p_value(anova_p)})."
    return (
        f"{facts}; the variants do not differ detectably in it (one-way ANOVA over seeds, {present.p_value(anova_p)})."
    )


def jpeg_share_text(shares: dict[str, float], lossy_fraction: float) -> str:
    """How much of each variant's exact-minus-full gap the JPEG drop accounts for."""
    low, high = min(shares.values()), max(shares.values())
    return (
        f"Since {present.pct(lossy_fraction, 0)} of the full test set is JPEG-derived, the drop predicts a gap of "
        f"that fraction of it between the exact images and the full set: it accounts for "
        f"{present.pct(low, 0)} to {present.pct(high, 0)} of the gap observed per variant; the rest is the "
        "difference between the two groups of test images and sampling noise."
    )


def jpeg_batchnorm_text(label: str, base: str, recomputed: Comparison, against_base: Comparison) -> str:
    """Whether the variant's JPEG drop comes from its running statistics (recomputed on the scored images).

    ``recomputed`` is the drop with recomputed statistics minus the drop as trained (paired over seeds);
    ``against_base`` is the drop as trained minus the base's.
    """
    fixed = recomputed.significant and recomputed.difference < 0
    larger = against_base.significant and against_base.difference > 0
    facts = (
        f"Recomputing the running statistics of the {label} on the images being scored changes its drop by "
        f"{present.pp(recomputed.difference)} points (paired t-test {present.p_value(recomputed.welch_p)}); "
        f"as trained, its drop differs from the {base}'s by {_p(against_base)}"
    )
    if fixed and larger:
        return f"{facts}: its larger drop comes partly from running statistics that JPEG images shift."
    if fixed:
        return (
            f"{facts}: the running statistics account for part of its drop, but its drop is not shown to be "
            f"larger than the {base}'s in the first place."
        )
    return f"{facts}: the running statistics do not detectably explain its drop."


def outlier_text(label: str, seed: int, value: float, others: Summary, std_all: float) -> str:
    """A variant's lowest seed against its other seeds, and its spread with and without it."""
    share = "Most of" if others.std < std_all / 2 else "Part of"
    return (
        f"{share} the {label}'s spread comes from seed {seed}, at {present.pct(value)} against "
        f"{present.pm(others, with_n=False)} for its other {others.n} seeds; without that seed its standard "
        f"deviation would be {present.points(others.std, 2)} points instead of {present.points(std_all, 2)}."
    )


def resnet_source(kernel_shape: tuple[int, ...], bias_shape: tuple[int, ...], sha256: str | None) -> str:
    """Where Q12's ResNet50 first-layer weights came from: Keras's download, or a file of them with its hash."""
    shapes = f"kernel {' × '.join(map(str, kernel_shape))}, bias {' × '.join(map(str, bias_shape))}"
    if sha256 is None:
        return (
            "The weights are Keras's ImageNet weights for ResNet50, downloaded by "
            f'`keras.applications.ResNet50(weights="imagenet")` ({shapes} in `conv1_conv`).'
        )
    return (
        "The machine that rendered this report could not download them, so the network was built without "
        "weights and its first layer, `conv1_conv`, was given Keras's ImageNet ResNet50 weights for that layer "
        f"({shapes}), read from a file of SHA-256 `{sha256[:16]}…`; the rest of the network, which Q12 does not "
        "look at, keeps random weights."
    )


def conclusion(label: str, base: str, full: Comparison, exact: Comparison, adjusted: tuple[float, float]) -> str:
    """A variant against the base on both test sets, as trained, with Holm-adjusted p-values."""
    sig = (adjusted[0] < ALPHA, adjusted[1] < ALPHA)
    facts = (
        f"As trained, the {label} differs from the {base} by {present.pp(full.difference)} percentage points on "
        f"the full test set ({present.p_value(adjusted[0])} after Holm's correction) and by "
        f"{present.pp(exact.difference)} on the exact images ({present.p_value(adjusted[1])})"
    )
    if all(sig) and (full.difference > 0) == (exact.difference > 0):
        return f"{facts}: it is {'better' if full.difference > 0 else 'worse'} on both."
    if not any(sig):
        return f"{facts}: neither test set shows a difference these seeds can resolve."
    where = "full test set" if sig[0] else "exact images"
    return f"{facts}: the difference is significant on the {where} only, so it is not established on both."
