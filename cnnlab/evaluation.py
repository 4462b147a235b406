"""Test metrics of a model (Q7): loss, accuracy, per-class accuracy, confusion matrix, predicted labels."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnlab.callbacks import EVAL_BATCH_SIZE
from cnnlab.models import NUM_CLASSES
from cnnlab.quiet import import_keras


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Counts of (true class, predicted class) pairs, one row per true class."""
    confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    return confusion


def evaluate(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[dict[str, Any], np.ndarray]:
    """Test metrics: loss, accuracy, per-class accuracy, confusion matrix; and the predicted labels."""
    probabilities = model.predict(x, batch_size=EVAL_BATCH_SIZE, verbose=0)
    predicted = probabilities.argmax(axis=1)
    loss = import_keras().losses.sparse_categorical_crossentropy(y, probabilities)
    confusion = confusion_matrix(y, predicted)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    metrics = {
        "loss": float(np.mean(loss)),
        "accuracy": float(np.mean(predicted == y)),
        "per_class_accuracy": per_class.tolist(),
        "confusion_matrix": confusion.tolist(),
    }
    return metrics, predicted.astype(np.uint8)
