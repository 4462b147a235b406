"""What a run's learning curves say about overfitting and early stopping (from history.csv, no weights).

The protocol trains 100 epochs and keeps the last weights. The validation curves show when the model
stopped improving on images it does not train on; the test curves, recorded for the plots only, show
what stopping there would have given. Nothing here chooses anything by the test set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cnnlab.cache import RunRecord


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
