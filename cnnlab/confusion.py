"""Errors per class over seeds (Q7's metrics of each run): per-class accuracy, summed confusions,
the most frequent confusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def per_class_accuracy(metrics: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Per-class test accuracy of each run: one row per run, one column per class."""
    return np.array([m["per_class_accuracy"] for m in metrics], dtype=float)


def summed_confusion(metrics: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """The runs' confusion matrices (rows: true class) added up."""
    return np.sum([np.array(m["confusion_matrix"]) for m in metrics], axis=0)


def most_confused(confusion: np.ndarray) -> tuple[int, int, float]:
    """The (true class, predicted class) pair with the highest share of the true class's images, and that share."""
    rates = confusion / confusion.sum(axis=1, keepdims=True)
    np.fill_diagonal(rates, 0)
    true, predicted = np.unravel_index(rates.argmax(), rates.shape)
    return int(true), int(predicted), float(rates[true, predicted])
