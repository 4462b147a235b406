"""Sentences that state the report's claims with their evidence: test sets, curves, BatchNorm, power.

Like ``sentences``, every function is a pure function of numbers already computed (fractions for
accuracies, losses as they are) and display names, so that each branch can be tested on its own.
"""

from __future__ import annotations

from cnnlab import present, verdicts
from cnnlab.curves import OVERFIT_TOLERANCE, overfit_reading
from cnnlab.power import POWER
from cnnlab.stats import ALPHA, Comparison, Summary, binomial_se
from cnnlab.validation_split import Offsets, full_set_clause, sampling_clause
from cnnlab.verdicts import Contrast

# Display names that read badly inside a sentence ("between the tiny VGG, 3 blocks and ..."), as prose says them.
PROSE_NAMES = {"tiny VGG, 3 blocks": "tiny VGG with three blocks"}


def prose_name(label: str) -> str:
    """A variant's display name as a sentence says it."""
    return PROSE_NAMES.get(label, label)


def power_text(std: float, n: int, detectable: float, needed: dict[float, int], sampling: tuple[float, int]) -> str:
    """The smallest difference ``n`` seeds per variant detect at the given spread, the seeds smaller ones
    (``needed``: difference -> seeds) need, and the spread against the test images' own sampling error at
    ``sampling`` (accuracy, images)."""
    smaller = {diff: seeds for diff, seeds in needed.items() if diff < detectable}
    others = " and ".join(f"{present.count(seeds)} for {present.points(diff, 2)} pp" for diff, seeds in smaller.items())
    need = f"; smaller differences need more seeds per variant: {others}" if smaller else ""
    se = binomial_se(*sampling)
    return (
        f"What do {present.count(n)} seeds resolve? With a standard deviation of {present.points(std, 2)} pp"
        f" over seeds, two variants compared over {present.count(n)} seeds each differ detectably (Welch's "
        f"test at {present.pct(ALPHA, 0)}, {present.pct(POWER, 0)} power) from {present.points(detectable, 2)} "
        f"pp on{need}. That holds for two variants that spread as little as the tiny VGG; one that spreads more is "
        "compared less finely, and each comparison of @sec-improvements gives what its own seeds would have "
        f"detected. The seeds' spread is measured on fixed test images; another sample of "
        f"{present.count(sampling[1])} test images would move one accuracy by about {present.points(se, 2)} pp (its "
        f"binomial standard error), so here the seed moves a result {present.num(std / se, 1)} times as much as "
        "the choice of test images would."
    )


def stopping_text(
    epochs: int, min_epoch: Summary, rises: tuple[float, float], train_fall: float, rising: tuple[int, int]
) -> str:
    """Where validation loss bottoms out and how the losses move after it (means over seeds): ``rises`` of the
    validation and test losses above their minima, ``rising`` (runs ending over the tolerance, runs)."""
    facts = (
        f"The validation loss is lowest at epoch {present.num(min_epoch.mean, 0)} ± {present.num(min_epoch.std, 0)} "
        f"(mean ± std over {min_epoch.n} seeds; from epoch {present.num(min_epoch.minimum, 0)} to "
        f"{present.num(min_epoch.maximum, 0)}). From there to epoch {epochs} the training loss falls by "
        f"{present.num(train_fall)} while the validation loss rises by {present.num(rises[0])} and the test loss "
        f"by {present.num(rises[1])} above their minima ({rising[0]} of {rising[1]} runs end more than "
        f"{present.pct(OVERFIT_TOLERANCE, 0)} above their lowest validation loss)"
    )
    return f"{facts}: {overfit_reading(rises[0], train_fall, *rising)}."


def early_stopping_text(at_best: Summary, final: Summary, test: Comparison) -> str:
    """What keeping the epoch of best validation accuracy would have given, against the last epoch
    (``test``: paired over the runs)."""
    gain = at_best.mean - final.mean
    verb = "gained" if gain > 0 else "cost"
    facts = (
        f"Keeping the weights of the epoch with the best validation accuracy, instead of the last epoch, would have "
        f"{verb} {present.points(abs(gain), 2)} pp of test accuracy ({present.pm(at_best, with_n=False)}"
        f" against {present.pm(final, with_n=False)}; {present.INTERVAL} {present.ci(test)}, paired t-test "
        f"{present.p_value(test.welch_p)})"
    )
    reading = "a significant difference" if test.significant else "a difference these seeds do not show to be real"
    return f"{facts}, {reading}; the protocol keeps the last epoch."


def validation_offset(o: Offsets) -> str:
    """Where the validation accuracy sits between the full test set and its exact images (last epoch, means,
    paired over the runs), with the images' sampling error the seeds' interval leaves out."""
    facts = (
        f"At the last epoch the validation accuracy is {present.pct(o.validation[0])} on average, the test accuracy "
        f"{present.pct(o.full[0])} on the full test set and {present.pct(o.exact[0])} on its exact first "
        f"{present.count(o.exact[1])} images"
    )
    exact, full = (
        f"{present.pp(c.difference)} pp {present.ci(c.test)}, paired t-test {present.p_value(c.test.welch_p)}"
        for c in (o.to_exact, o.to_full)
    )
    if o.jpeg_explains:
        return (
            f"{facts}. The validation split cannot be told from the exact test images ({exact}{_power(o.to_exact)}), "
            f"but {sampling_clause(o)}. The validation split scores above the full test set ({full}), by "
            f"{full_set_clause(o)}: the test curve's offset below it is what the JPEG-derived test images would "
            "cause (@sec-jpeg measures how much compression costs), and these runs detect no optimism in the "
            "validation split."
        )
    return (
        f"{facts}. The validation accuracy differs from the exact test images' by {exact}, and from the full "
        f"test set's by {full} ({full_set_clause(o)}); {sampling_clause(o)}. These numbers do not single out the "
        "JPEG-derived images as the cause of the offset."
    )


def lead_text(
    label: str, base: str, lead: tuple[int, int, int], top: tuple[int, Summary, Summary], final: float
) -> str:
    """How the variant's mean validation accuracy runs against the baseline's, epoch by epoch.

    ``lead`` is (first epoch ahead, last epoch ahead before the final stretch behind, epochs ahead between them),
    (0, 0, 0) when it is never ahead; ``top`` is the epoch of the largest lead with both sides' validation
    accuracy over seeds there; ``final`` is the variant's mean minus the baseline's at the last epoch.
    """
    first, last, ahead = lead
    if first == 0:
        return f"The {label}'s mean validation accuracy stays below the {base}'s at every epoch."
    span = last - first + 1
    every = "at every epoch" if ahead == span else f"at {ahead} of the {span} epochs"
    epoch, variant, baseline = top
    until = "at epoch 1" if first == 2 else f"up to epoch {first - 1}"
    before = f"ahead of the {base}'s" if first == 1 else f"below the {base}'s {until}, then ahead of it"
    text = (
        f"The {label}'s mean validation accuracy is {before} {every} from epoch {first} to "
        f"epoch {last}, by up to {present.points(variant.mean - baseline.mean, 2)} pp at epoch {epoch} "
        f"({present.pm(variant, with_n=False)} against {present.pm(baseline, with_n=False)} over seeds)"
    )
    if final > 0:
        return f"{text}, and still ahead at the last epoch ({present.pp(final, 2)} pp)."
    return f"{text}; from epoch {last + 1} on it is behind, and it ends {present.points(-final, 2)} pp below."


def early_lead(label: str, base: str, by_epoch: dict[int, Comparison]) -> str:
    """The curves' early stretch tested epoch by epoch (``by_epoch``: Welch's test at each epoch, Holm over them),
    so that the pointwise lead above is not read off the curves alone: how many epochs are significantly ahead
    or behind, and the largest significant lead with its interval."""
    first, last = min(by_epoch), max(by_epoch)
    found = {e: c for e, c in by_epoch.items() if c.significant}
    ahead = sorted(e for e, c in found.items() if c.difference > 0)
    behind = sorted(e for e, c in found.items() if c.difference < 0)
    head = (
        f"Tested epoch by epoch from epoch {first} to {last} (the early stretch, one window for every variant, "
        "set where the curve figures' close-ups begin rather than where a lead shows; "
        f"Welch's t-test at each epoch, Holm over the {len(by_epoch)} epochs), the {label}'s validation accuracy is "
        f"significantly ahead of the {base}'s at {_epochs(ahead)} and behind at {_epochs(behind)}"
    )
    if not ahead:
        return f"{head}."
    top = max(ahead, key=lambda e: by_epoch[e].difference)
    lead = by_epoch[top]
    interval = f"{present.INTERVAL} {present.ci(lead)}"
    return f"{head}; the largest significant lead is {present.pp(lead.difference)} pp, at epoch {top} ({interval})."


def _epochs(epochs: list[int]) -> str:
    """ "no epoch", "epoch 1", "3 epochs (2, 3 and 5)"."""
    if not epochs:
        return "no epoch"
    if len(epochs) == 1:
        return f"epoch {epochs[0]}"
    listed = ", ".join(map(str, epochs[:-1])) + f" and {epochs[-1]}"
    return f"{len(epochs)} epochs ({listed})"


def gap_measures(epochs: int, history: tuple[float, float], history_gap: Summary, train: Summary, gap: Summary) -> str:
    """The two training - validation gaps at the last epoch: the training history's and the final weights'.

    ``history`` is the history's (training, validation) accuracy at the last epoch (means over seeds); ``train``
    and ``gap`` are the training part's accuracy and the gap when the final weights are scored in inference mode.
    """
    larger = "larger" if history_gap.mean > gap.mean else "smaller"
    return (
        f"At epoch {epochs} the training history puts the training accuracy at {present.pct(history[0])}, "
        f"{present.points(history_gap.mean, 2)} ± {present.points(history_gap.std, 2)} pp above the "
        f"validation accuracy of {present.pct(history[1])} (over seeds). That training accuracy is "
        "Keras's running average over the epoch's batches, each scored with the weights of its own step (and, in a "
        "network with BatchNorm, with each batch's own statistics); it is not the accuracy of the final model. "
        "Scored once with the final weights in inference mode, as the validation images are, the training part "
        f"gives {present.pm(train, with_n=False)}, a gap of {present.points(gap.mean, 2)} ± "
        f"{present.points(gap.std, 2)} pp: the history's gap is "
        f"{present.points(abs(history_gap.mean - gap.mean), 2)} pp {larger}. Every comparison of fit between "
        "variants in this report rests on the second measure (@tbl-modes); the history's appears in the curves."
    )


def modes_text(label: str, train: tuple[Summary, Summary], test: tuple[Summary, Summary]) -> str:
    """The variant's accuracies with running statistics and with batch statistics (each a (running, batch) pair)."""
    pm = lambda s: present.pm(s, with_n=False)  # noqa: E731
    return (
        f"With its running statistics, as at test time, the {label} classifies {pm(train[0])} of its training "
        f"images correctly, and {pm(train[1])} with each batch's own statistics, as in training; on the test set, "
        f"{pm(test[0])} against {pm(test[1])}. Scored with batch statistics, each test image's class depends on the "
        "other images of its batch: that accuracy is a diagnostic of the running statistics, not one the model "
        "reaches on images given one at a time."
    )


# What a wider train - validation gap shows, and what it does not: it restates a lower validation accuracy for a
# like training accuracy, so it names overfitting as the symptom, not its cause.
WIDER = "so it generalises less well from what it fits (overfitting as a symptom; these runs do not isolate its cause)"


def batchnorm_reading(base: str, mismatch: Contrast, overfit: Contrast, behind: Contrast, batch_gap: Contrast) -> str:
    """Which explanation of the variant's lower accuracy the numbers support.

    ``mismatch`` is its test accuracy with batch statistics against running statistics (paired over seeds);
    ``overfit`` its inference-mode train - validation gap against the base's (Holm-corrected over the variants);
    ``behind`` its test accuracy with batch statistics against the base's; ``batch_gap`` its gap with batch
    statistics on both parts against the base's.
    """
    stats_cost = mismatch.significant and mismatch.difference > 0
    wider = overfit.significant and overfit.difference > 0
    cost = (
        f"batch statistics change its test accuracy by {present.pp(mismatch.difference)} pp "
        f"({verdicts.evidence(mismatch.test, 'paired t-test')}{_power(mismatch)})"
    )
    gap = (
        f"its training − validation gap differs from the {base}'s by {present.pp(overfit.difference)} pp "
        f"({verdicts.p_values(overfit.test)}{_power(overfit)})"
    )
    if stats_cost and wider:
        reading = f"both explanations: {cost}, so the running statistics cost accuracy; and {gap}, {WIDER}"
    elif stats_cost:
        narrower = "a narrower gap" if overfit.significant else "not a detectably wider gap"
        reading = f"a running-statistics mismatch only: {cost}; but {gap}, {narrower}"
    elif wider:
        reading = f"overfitting only: {gap}, {WIDER}; but {cost}, nothing detectable"
    else:
        reading = f"neither explanation detectably: {cost}, and {gap}"
    return (
        f"The numbers support {reading}. {batch_gap_sentence(base, batch_gap, overfit)} {_behind(base, behind)}"
        f"{deficit_split(mismatch, behind)}"
    )


def batch_gap_sentence(base: str, gap: Contrast, overfit: Contrast) -> str:
    """The variant's training - validation gap with batch statistics on both parts against the base's, and what
    that says of its gap in inference mode (``overfit``, against the base's): whether the running statistics
    make it wider."""
    facts = f"({verdicts.evidence(gap.test)}{_power(gap)})"
    said = (
        f"With each batch's own statistics on both parts its training − validation gap is "
        f"{present.points(gap.variant.mean, 2)} ± {present.points(gap.variant.std, 2)} pp, against "
        f"{present.points(gap.base.mean, 2)} pp for the {base}"
    )
    wider_as_run = overfit.significant and overfit.difference > 0  # in inference mode, as the report scores it
    if not gap.significant:
        may = ", so the wider gap in inference mode may come from the running statistics" if wider_as_run else ""
        return f"{said}: {present.pp(gap.difference)} pp {facts}, not detectably different{may}."
    if gap.difference > 0:
        so = ", so the running statistics do not make the wider gap" if wider_as_run else ""
        return f"{said}: {present.points(gap.difference, 2)} pp wider {facts}{so}."
    so = ", so the running statistics make the gap in inference mode wider" if wider_as_run else ""
    return f"{said}: {present.points(-gap.difference, 2)} pp narrower {facts}{so}."


def deficit_split(mismatch: Contrast, behind: Contrast) -> str:
    """The deficit as trained taken apart: what batch statistics recover, and what stays, each with its interval
    (means over the same seeds, so the two parts add up to it); empty unless the running statistics significantly
    cost accuracy and a significant deficit stays with batch statistics."""
    deficit = mismatch.difference - behind.difference
    costs = mismatch.significant and mismatch.difference > 0  # the running statistics cost accuracy
    if not costs or not behind.significant or behind.difference >= 0:
        return ""
    return (
        f" Of its {present.points(deficit, 2)} pp deficit as trained, the running statistics account for "
        f"{present.points(mismatch.difference, 2)} pp {present.ci(mismatch.test)} and "
        f"{present.points(-behind.difference, 2)} pp {present.ci(present.size_interval(behind.test))} remain with "
        "batch statistics."
    )


def _power(c: Contrast) -> str:
    clause = verdicts.power_clause(c.detectable)
    return f"; {clause}" if clause and not c.significant else ""


def _behind(base: str, behind: Contrast) -> str:
    facts = f"({verdicts.evidence(behind.test)}{_power(behind)})"
    size = present.points(abs(behind.difference), 2)
    if not behind.significant:
        difference = present.pp(behind.difference)
        return f"With batch statistics it is not detectably below the {base}: {difference} pp {facts}."
    if behind.difference < 0:
        return f"Even with batch statistics it stays {size} pp below the {base} {facts}."
    return f"With batch statistics it is {size} pp above the {base} {facts}."


def sampling_text(full: tuple[float, int], exact: tuple[float, int]) -> str:
    """What the intervals over seeds cover, and the binomial standard error of one accuracy they leave out, for
    (accuracy, images) on the full test set and on the exact images (@sec-q9 explains it)."""
    se = [100 * binomial_se(*measured) for measured in (full, exact)]
    return (
        "Every interval and test here varies the seed on fixed test images, not the sample of test images "
        f"(@sec-q9 compares the two errors): at the tiny VGG's accuracy one accuracy's binomial standard error is "
        f"about {present.num(se[0], 2)} pp on the full test set and {present.num(se[1], 2)} pp on the exact "
        f"{present.count(exact[1])} images; two variants scored on the same images share part of it, so their "
        "difference carries less."
    )
