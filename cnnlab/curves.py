"""Reading the learning curves of a variant's runs (Q8): where validation loss bottoms out, how many runs
end well above that minimum, and how the test curve sits against the validation curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# A run overfits in its later epochs when its last validation loss is more than this fraction above its minimum.
OVERFIT_TOLERANCE = 0.05
# The curve figures' close-ups show validation and test from this epoch on; the epochs before it are the early
# stretch where a variant's lead is tested epoch by epoch.
ZOOM_FROM = 20


def ends_above_minimum(val_loss: pd.Series, tolerance: float = OVERFIT_TOLERANCE) -> bool:
    """True when the last value is more than ``tolerance`` (a fraction) above the series' minimum."""
    return bool(val_loss.iloc[-1] > (1 + tolerance) * val_loss.min())


@dataclass(frozen=True)
class CurveReading:
    """What a variant's learning curves show over its runs."""

    best_val_loss_epochs: np.ndarray  # per run, the epoch of the lowest validation loss
    rising: int  # runs whose validation loss ends more than OVERFIT_TOLERANCE above its minimum
    runs: int
    offset: float  # mean of test minus validation accuracy over every epoch of every run
    distance: float  # mean absolute test minus validation accuracy


def read_curves(histories: list[pd.DataFrame]) -> CurveReading:
    """Read the curves of a variant's runs (histories with epoch, val_loss, val_accuracy, test_accuracy)."""
    if not histories:
        raise ValueError("no histories to read")
    best = np.array([int(h["epoch"].iloc[h["val_loss"].argmin()]) for h in histories])
    rising = sum(ends_above_minimum(h["val_loss"]) for h in histories)
    test_minus_val = np.concatenate([(h["test_accuracy"] - h["val_accuracy"]).to_numpy() for h in histories])
    return CurveReading(
        best, rising, len(histories), float(test_minus_val.mean()), float(np.abs(test_minus_val).mean())
    )


def loss_fall(histories: list[pd.DataFrame]) -> float:
    """How far the training loss falls from the epoch of lowest validation loss to the last (mean over runs)."""
    at_min = [int(h["val_loss"].to_numpy().argmin()) for h in histories]
    return float(np.mean([h["loss"].iloc[i] - h["loss"].iloc[-1] for h, i in zip(histories, at_min, strict=True)]))


def overfit_reading(val_rise: float, train_fall: float, rising: int, runs: int) -> str:
    """Whether the losses part after the validation minimum (means over runs), and how widely: mildly when
    fewer than half the runs end more than ``OVERFIT_TOLERANCE`` above their minimum validation loss."""
    if not (val_rise > 0 and train_fall > 0):
        return "no clear overfitting within these epochs"
    return f"the network overfits in its later epochs, {'mildly' if 2 * rising < runs else 'in most runs'}"
