"""How a variant trains under the assignment's protocol (Q6–Q8), read once for Section 3 and the conclusions:
where the validation loss bottoms out and how the losses part after it, what keeping the best-validation epoch
would change, the final weights' training − validation gap, and the validation split against both test sets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cnnlab import present
from cnnlab.curves import OVERFIT_TOLERANCE, loss_fall, overfit_reading, read_curves
from cnnlab.results import BASELINE, Results, column_of
from cnnlab.stats import Comparison, Summary, paired, summarize
from cnnlab.validation_split import Offsets, validation_offsets
from cnnlab.verdict_briefs import signed_size


@dataclass(frozen=True)
class Training:
    """A variant's training read from its runs: the epochs trained, the epoch of lowest validation loss, the
    validation and test losses' rises above their minima and the training loss's fall after it (means), the runs
    ending over the tolerance (count, runs), the test accuracy at the best-validation epoch and the last (and the
    paired comparison of the two), the final weights' gap, and the validation split against the test sets."""

    epochs: int
    min_epoch: Summary
    rises: tuple[float, float]
    fall: float
    rising: tuple[int, int]
    at_best: Summary
    final: Summary
    early: Comparison
    gap: Summary
    offsets: Offsets

    @classmethod
    def of(cls, stopping: pd.DataFrame, modes: pd.DataFrame, results: Results, variant: str = BASELINE) -> Training:
        """From the stopping table, BatchNorm's modes table (``Evidence.stopping``, ``Evidence.modes``) and runs."""
        s, histories = stopping[stopping["variant"] == variant], results.histories(variant)
        curves = read_curves(histories)
        at_best, final = (column_of(s, variant, c) for c in ("test_accuracy_at_best_val", "final_test_accuracy"))
        return cls(
            int(s["epochs"].max()),
            summarize(s["min_val_loss_epoch"]),
            (float(s["val_loss_rise"].mean()), float(s["test_loss_rise"].mean())),
            loss_fall(histories),
            (curves.rising, curves.runs),
            summarize(at_best),
            summarize(final),
            paired(at_best, final),
            summarize(column_of(modes, variant, "gap_inference")),
            validation_offsets(results, variant),
        )


def conclusion_text(t: Training, label: str) -> str:
    """Q6–Q8 in a few sentences, each number with its evidence, for the conclusions."""
    epoch = f"{present.num(t.min_epoch.mean, 0)} ± {present.num(t.min_epoch.std, 0)}"
    gain = t.early.difference > 0
    early = "not shown to be real"
    if t.early.significant:
        early = "a significant gain the protocol forgoes" if gain else "a significant loss the protocol avoids"
    side = "above" if t.gap.mean >= 0 else "below"
    text = (
        f"The {label}'s validation loss is lowest at epoch {epoch} (mean ± std over {t.min_epoch.n} seeds); by the "
        f"last epoch it rises by {present.num(t.rises[0])} while the training loss falls by {present.num(t.fall)} "
        f"({t.rising[0]} of {t.rising[1]} runs end more than {present.pct(OVERFIT_TOLERANCE, 0)} above their lowest "
        "validation loss): "
        f"{overfit_reading(t.rises[0], t.fall, *t.rising)}. With its final weights the training images score "
        f"{present.points(abs(t.gap.mean), 2)} ± {present.points(t.gap.std, 2)} pp {side} the validation images. "
        f"Keeping the epoch with the best validation accuracy would have {'gained' if gain else 'cost'} "
        f"{present.points(abs(t.early.difference), 2)} pp of test accuracy ({present.ci(t.early)}, paired t-test "
        f"{present.p_value(t.early.welch_p)}), {early}."
    )
    o = t.offsets
    if o.jpeg_explains:
        return (
            f"{text} The validation split cannot be told from the exact test images ({signed_size(o.to_exact)}) and "
            f"scores above the full test set ({signed_size(o.to_full)}), an offset the JPEG-derived test images "
            "explain (@sec-q8 weighs it against the images' sampling error)."
        )
    return (
        f"{text} The validation split scores {signed_size(o.to_exact)} against the exact test images and "
        f"{signed_size(o.to_full)} against the full test set; @sec-q8 weighs both against the images' sampling error."
    )
