"""The conclusions' answer to Q6–Q8: how the tiny VGG trains under the assignment's protocol, in brief, from
the numbers Section 3 gives in full (the stopping table, the final weights' gap, and the validation split
against both test sets)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import norm

from cnnlab import present
from cnnlab.results import BASELINE, Results
from cnnlab.stats import ALPHA, Comparison, Summary, binomial_se, paired, summarize
from cnnlab.verdict_briefs import signed_size
from cnnlab.verdicts import Contrast, contrasts

if TYPE_CHECKING:
    from cnnlab.evidence import Evidence

Z = float(norm.ppf(1 - ALPHA / 2))  # a normal difference is significant beyond Z standard errors (1.96)


def overfits(val_rise: float, test_rise: float, train_fall: float) -> bool:
    """After the validation loss's minimum, the training loss falls while the validation and test losses rise."""
    return val_rise > 0 and test_rise > 0 and train_fall > 0


def loss_fall(histories: list[pd.DataFrame]) -> float:
    """How far the training loss falls from the epoch of lowest validation loss to the last (mean over runs)."""
    at_min = [int(h["val_loss"].to_numpy().argmin()) for h in histories]
    return float(np.mean([h["loss"].iloc[i] - h["loss"].iloc[-1] for h, i in zip(histories, at_min, strict=True)]))


@dataclass(frozen=True)
class Offsets:
    """The last epoch's validation accuracy against both test sets, paired over the runs: each set's mean
    accuracy with its number of images (validation, full, exact), and the contrasts validation − exact and
    validation − full."""

    validation: tuple[float, int]
    full: tuple[float, int]
    exact: tuple[float, int]
    to_exact: Contrast
    to_full: Contrast

    def sampling_se(self, other: tuple[float, int]) -> float:
        """The standard error of validation − ``other`` from sampling the images (the seeds' interval holds the
        images fixed): the two sets are different images, so their binomial errors add."""
        return math.hypot(binomial_se(*self.validation), binomial_se(*other))

    @property
    def jpeg_explains(self) -> bool:
        """The validation split is not told from the exact images, and above the full test set by more than both
        the seeds' interval and the images' sampling error allow."""
        beyond = self.to_full.difference > Z * self.sampling_se(self.full)
        return not self.to_exact.significant and self.to_full.significant and beyond


def validation_offsets(results: Results, variant: str) -> Offsets:
    """The validation split against the exact test images and the full test set at the last epoch."""
    validation = np.array([h["val_accuracy"].iloc[-1] for h in results.histories(variant)])
    full, exact = results.values(variant), results.values(variant, "test_exact_accuracy")
    to = contrasts({"exact": (validation, exact), "full": (validation, full)}, is_paired=True)
    metrics = results.runs[variant][0].metrics
    images = (int(metrics[n]) for n in ("n_validation", "n_test", "n_test_exact"))
    means = (float(x.mean()) for x in (validation, full, exact))
    return Offsets(*zip(means, images, strict=True), to["exact"], to["full"])


def sampling_clause(o: Offsets) -> str:
    """The images' sampling error the seeds' interval leaves out, on the validation split against the exact images:
    "as samples of images, ... a difference of up to 3.03 pp between them is within sampling alone"."""
    se = o.sampling_se(o.exact)
    return (
        f"that interval holds the images fixed: as samples of {present.count(o.validation[1])} and "
        f"{present.count(o.exact[1])} images, the two sets' accuracies differ by chance with a standard error of "
        f"{present.points(se, 2)} pp, so a difference of up to {present.points(Z * se, 2)} pp between them is within "
        "sampling alone"
    )


@dataclass(frozen=True)
class Training:
    """What the conclusions say of a variant's training: where the validation loss bottoms out and whether the
    losses then part, the final weights' training − validation gap, what keeping the best-validation epoch
    would have changed, and the validation split against (the exact images, the full test set)."""

    min_epoch: Summary
    overfits: bool
    gap: Summary
    early: Comparison
    offsets: Offsets

    @classmethod
    def of(cls, e: Evidence, variant: str = BASELINE) -> Training:
        s = e.stopping[e.stopping["variant"] == variant]
        at_best, final = (s[c].to_numpy(dtype=float) for c in ("test_accuracy_at_best_val", "final_test_accuracy"))
        return cls(
            summarize(s["min_val_loss_epoch"]),
            overfits(s["val_loss_rise"].mean(), s["test_loss_rise"].mean(), loss_fall(e.results.histories(variant))),
            summarize(e.of(e.modes, variant, "gap_inference")),
            paired(at_best, final),
            validation_offsets(e.results, variant),
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
    o = t.offsets
    if o.jpeg_explains:
        return (
            f"{text} The validation split is not told from the exact test images ({signed_size(o.to_exact)}; "
            f"{sampling_clause(o)}) and scores above the full test set ({signed_size(o.to_full)}, "
            f"{present.num(o.to_full.difference / o.sampling_se(o.full), 1)} times the images' sampling error): the "
            "test curve's offset below the validation curve is what the JPEG-derived test images would cause, and "
            "these runs detect no optimism in the validation split."
        )
    return (
        f"{text} The validation split scores {signed_size(o.to_exact)} against the exact test images and "
        f"{signed_size(o.to_full)} against the full test set (paired over the seeds; {sampling_clause(o)})."
    )
