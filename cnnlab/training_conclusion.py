"""The conclusions' answer to Q6–Q8: how the tiny VGG trains under the assignment's protocol, in brief, from
the numbers Section 3 gives in full (the stopping table, the final weights' gap, and the validation split
against both test sets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cnnlab import present
from cnnlab.results import BASELINE, Results
from cnnlab.stats import Comparison, Summary, paired, summarize
from cnnlab.verdict_briefs import signed_size
from cnnlab.verdicts import Contrast, contrasts, power_clause

if TYPE_CHECKING:
    from cnnlab.evidence import Evidence


def overfits(val_rise: float, test_rise: float, train_fall: float) -> bool:
    """After the validation loss's minimum, the training loss falls while the validation and test losses rise."""
    return val_rise > 0 and test_rise > 0 and train_fall > 0


def loss_fall(histories: list[pd.DataFrame]) -> float:
    """How far the training loss falls from the epoch of lowest validation loss to the last (mean over runs)."""
    at_min = [int(h["val_loss"].to_numpy().argmin()) for h in histories]
    return float(np.mean([h["loss"].iloc[i] - h["loss"].iloc[-1] for h, i in zip(histories, at_min, strict=True)]))


def validation_offsets(results: Results, variant: str) -> tuple[tuple[float, float, float], tuple[Contrast, Contrast]]:
    """The last epoch's validation accuracy against the exact test images and the full test set, paired over
    the runs: the three means (validation, full, exact) and the two contrasts (against exact, against full)."""
    validation = np.array([h["val_accuracy"].iloc[-1] for h in results.histories(variant)])
    full, exact = results.values(variant), results.values(variant, "test_exact_accuracy")
    to = contrasts({"exact": (validation, exact), "full": (validation, full)}, is_paired=True)
    return (float(validation.mean()), float(full.mean()), float(exact.mean())), (to["exact"], to["full"])


@dataclass(frozen=True)
class Training:
    """What the conclusions say of a variant's training: where the validation loss bottoms out and whether the
    losses then part, the final weights' training − validation gap, what keeping the best-validation epoch
    would have changed, and the validation split against (the exact images, the full test set)."""

    min_epoch: Summary
    overfits: bool
    gap: Summary
    early: Comparison
    offsets: tuple[Contrast, Contrast]

    @classmethod
    def of(cls, e: Evidence, variant: str = BASELINE) -> Training:
        s = e.stopping[e.stopping["variant"] == variant]
        at_best, final = (s[c].to_numpy(dtype=float) for c in ("test_accuracy_at_best_val", "final_test_accuracy"))
        return cls(
            summarize(s["min_val_loss_epoch"]),
            overfits(s["val_loss_rise"].mean(), s["test_loss_rise"].mean(), loss_fall(e.results.histories(variant))),
            summarize(e.of(e.modes, variant, "gap_inference")),
            paired(at_best, final),
            validation_offsets(e.results, variant)[1],
        )


def conclusion_text(t: Training, label: str) -> str:
    """Q6–Q8 in a few sentences, each number with its evidence, for the conclusions."""
    epoch = f"{present.num(t.min_epoch.mean, 0)} ± {present.num(t.min_epoch.std, 0)}"
    fit = "after it the training loss falls while the validation and test losses rise: it overfits in its later epochs"
    if not t.overfits:
        fit = "after it the losses do not part: no clear overfitting within these epochs"
    gain = "gained" if t.early.difference > 0 else "cost"
    early = "a significant difference the protocol forgoes" if t.early.significant else "not shown to be real"
    text = (
        f"The {label}'s validation loss is lowest at epoch {epoch} (mean ± std over {t.min_epoch.n} seeds); {fit}. "
        f"With its final weights the training images score {present.points(t.gap.mean, 2)} ± "
        f"{present.points(t.gap.std, 2)} pp above the validation images. Keeping the epoch with the best validation "
        f"accuracy would have {gain} {present.pp(t.early.difference)} pp {present.ci(t.early)} of test accuracy "
        f"(paired t-test {present.p_value(t.early.welch_p)}), {early}."
    )
    exact, full = t.offsets
    if not exact.significant and full.significant and full.difference > 0:
        power = f"; {power_clause(exact.detectable)}" if power_clause(exact.detectable) else ""
        return (
            f"{text} The validation split scores like the exact test images ({signed_size(exact)}{power}) and above "
            f"the full test set ({signed_size(full)}): the test curve's offset below the validation curve is what the "
            "JPEG-derived test images would cause, and these runs detect no optimism in the validation split."
        )
    return (
        f"{text} The validation split scores {signed_size(exact)} against the exact test images and "
        f"{signed_size(full)} against the full test set (paired over the seeds)."
    )
