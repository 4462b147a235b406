"""What a run's learning curves say about overfitting and early stopping (from history.csv, no weights).

The protocol trains 100 epochs and keeps the last weights. The validation curves show when the model
stopped improving on images it does not train on; the test curves, recorded for the plots only, show
what stopping there would have given. Nothing here chooses anything by the test set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cnnlab import present
from cnnlab.cache import RunRecord
from cnnlab.results import column_of
from cnnlab.stats import Comparison, family
from cnnlab.verdicts import p_values


@dataclass(frozen=True)
class StoppingFacts:
    """One run's curves: where validation loss and accuracy peak, and what stopping there gives."""

    epochs: int  # epochs trained (the last row of the history)
    min_val_loss_epoch: int  # epoch (1-based) of the lowest validation loss
    min_val_loss: float
    val_loss_rise: float  # last epoch's validation loss minus its minimum
    min_test_loss: float
    test_loss_rise: float  # last epoch's test loss minus its minimum
    best_val_accuracy_epoch: int  # epoch of the highest validation accuracy (first one on ties)
    test_accuracy_at_best_val: float  # what early stopping on validation accuracy would have kept
    test_accuracy_at_min_val_loss: float  # what early stopping on validation loss (Keras's default) would keep
    final_test_accuracy: float  # what the protocol keeps: the last epoch

    @property
    def early_stopping_gain(self) -> float:
        """Test accuracy at the best validation-accuracy epoch minus at the last epoch."""
        return self.test_accuracy_at_best_val - self.final_test_accuracy


def stopping_facts(history: pd.DataFrame) -> StoppingFacts:
    """The facts of one history (columns epoch, val_loss, val_accuracy, test_loss, test_accuracy)."""
    if history.empty:
        raise ValueError("an empty history has no curves")
    at_min_loss = int(np.argmin(history["val_loss"].to_numpy()))
    at_best_accuracy = int(np.argmax(history["val_accuracy"].to_numpy()))
    last = history.iloc[-1]
    return StoppingFacts(
        epochs=int(last["epoch"]),
        min_val_loss_epoch=int(history["epoch"].iloc[at_min_loss]),
        min_val_loss=float(history["val_loss"].iloc[at_min_loss]),
        val_loss_rise=float(last["val_loss"] - history["val_loss"].iloc[at_min_loss]),
        min_test_loss=float(history["test_loss"].min()),
        test_loss_rise=float(last["test_loss"] - history["test_loss"].min()),
        best_val_accuracy_epoch=int(history["epoch"].iloc[at_best_accuracy]),
        test_accuracy_at_best_val=float(history["test_accuracy"].iloc[at_best_accuracy]),
        test_accuracy_at_min_val_loss=float(history["test_accuracy"].iloc[at_min_loss]),
        final_test_accuracy=float(last["test_accuracy"]),
    )


def stopping_table(runs: dict[str, list[RunRecord]]) -> pd.DataFrame:
    """:func:`stopping_facts` for every run: variant, seed, the facts and the early-stopping gain."""
    rows = []
    for variant, records in runs.items():
        for record in records:
            facts = stopping_facts(record.history())
            rows.append(
                {
                    "variant": variant,
                    "seed": record.config.seed,
                    **asdict(facts),
                    "early_stopping_gain": facts.early_stopping_gain,
                }
            )
    return pd.DataFrame(rows)


def gains(stopping: pd.DataFrame, variants: list[str]) -> dict[str, Comparison]:
    """Each variant's test accuracy (full test set) at its best-validation epoch against its last epoch's, paired
    over its seeds, Holm-corrected over the variants with two seeds or more (one question asked of each)."""
    at = lambda v: (column_of(stopping, v, "test_accuracy_at_best_val"), column_of(stopping, v, "final_test_accuracy"))  # noqa: E731
    return family({v: at(v) for v in variants if len(at(v)[0]) >= 2}, is_paired=True)


def stopped_against(stopping: pd.DataFrame, variants: list[str], base: str) -> dict[str, Comparison]:
    """Each variant against ``base``, both stopped at their best-validation epochs (full test set; Welch, Holm over
    the variants; only those with two seeds or more, like ``base``)."""
    at_best = lambda v: column_of(stopping, v, "test_accuracy_at_best_val")  # noqa: E731
    if len(at_best(base)) < 2:
        return {}
    return family({v: (at_best(v), at_best(base)) for v in variants if v != base and len(at_best(v)) >= 2})


def _difference(name: str, c: Comparison, test: str) -> str:
    """ "+0.24 pp [−1.02, 1.50] for the tiny ResNet (Welch's t-test p = 0.677, Holm p = 0.677)"."""
    return f"{present.pp(c.difference)} pp {present.ci(c)} for the {name} ({p_values(c, test)})"


def _named(names: list[str]) -> str:
    return "the " + " and the ".join(names)


def gains_text(found: dict[str, Comparison], against: dict[str, Comparison], names: dict[str, str], base: str) -> str:
    """§5.4: what early stopping would change for each variant on the full test set, and the variants against
    ``base`` if all stopped there (``names``: display names in prose); "" with no variant to read."""
    if not found:
        return ""
    said = [_difference(names[v], c, "paired t-test") for v, c in found.items()]
    real = [names[v] for v, c in found.items() if c.significant]
    every = "every variant" if len(found) > 1 else _named(real)
    shown = every if len(real) == len(found) else _named(real) if real else "no variant"
    corrected = ", Holm-corrected over the variants" if len(found) > 1 else ""
    text = (
        "Keeping each run's best-validation epoch instead of its last (@tbl-stopping) would change the test "
        f"accuracy on the full test set by {'; '.join(said)}, paired over each variant's seeds{corrected}: "
        f"significant for {shown}."
    )
    if against:
        stopped = [_difference(names[v], c, "Welch's t-test") for v, c in against.items()]
        ways = {
            w: [names[v] for v, c in against.items() if c.significant and (c.difference > 0) == (w == "better")]
            for w in ("better", "worse")
        }
        parts = [f"{_named(n)} would be {w}" for w, n in ways.items() if n]
        if not ways["better"]:
            parts.append(f"no variant would be shown to be better{'' if ways['worse'] else ' or worse'}")
        text += (
            f" Stopped there, against the {names[base]} stopped there too: {'; '.join(stopped)}, so {'; '.join(parts)}."
        )
    return f"{text} The comparisons above keep the last epoch, as the protocol does."
