"""BatchNorm's two modes on a run's final weights: running statistics (test time) against batch statistics.

Keras's BatchNormalization normalises with each batch's own mean and variance while training and with
running averages of them at test time. Scoring the training part, the validation part and the test set
both ways, with the final weights, shows whether the running averages cost accuracy everywhere (then
the stored statistics are off) or only away from the training images (then it is overfitting), and the
train-validation gap in inference mode can be set beside the tiny VGG's, which has no BatchNorm.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from cnnlab.cache import RunRecord
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.derived import derived_table
from cnnlab.inference import accuracy, has_batchnorm, training_mode_accuracy, training_mode_predictions

ANALYSIS, VERSION = "batchnorm_modes", 1


def split_parts(record: RunRecord, data: Cifar10) -> dict[str, tuple[Any, Any]]:
    """The run's training part and validation part (Keras's ``validation_split``: the last fraction) and
    the test set, as uint8 images and labels."""
    config = record.config
    n = config.train_subset or len(data.x_train)
    n_fit = math.floor(n * (1 - config.validation_split))  # as Keras splits
    return {
        "train": (data.x_train[:n_fit], data.y_train[:n_fit]),
        "validation": (data.x_train[n_fit:n], data.y_train[n_fit:n]),
        "test": (data.x_test, data.y_test),
    }


def batchnorm_modes(record: RunRecord, data: Cifar10) -> dict[str, Any]:
    """Accuracy on the training part, validation part and test set in inference mode and, for a model
    with BatchNormalization, in training mode.

    Training mode here is ``model(x, training=True)`` over consecutive batches of 128 in the data's
    stored order; the protocol's training shuffled the training part, so its batches, hence the batch
    statistics, were others: the numbers are what batch statistics give with the final weights, not a
    replay of training. Without BatchNorm both modes are the same and the training-mode fields are None.
    The gap is training-part minus validation accuracy in inference mode.
    """
    from cnnlab.features import load_trained

    model = load_trained(record)
    batchnorm = has_batchnorm(model)
    result: dict[str, Any] = {"batchnorm": batchnorm}
    for part, (images, labels) in split_parts(record, data).items():
        x = preprocess(images)
        result[f"{part}_inference"] = accuracy(model, x, labels)
        result[f"{part}_training"] = training_mode_accuracy(model, x, labels) if batchnorm else None
    result["gap_inference"] = result["train_inference"] - result["validation_inference"]
    return result


def modes_table(runs: dict[str, list[RunRecord]], data: Cifar10) -> pd.DataFrame:
    """:func:`batchnorm_modes` for every run (variant, seed, then its fields), from the derived cache when there,
    with ``gap_training``: the training-part minus validation accuracy with batch statistics (NaN without BatchNorm).
    """
    frame = derived_table(runs, ANALYSIS, VERSION, lambda record: batchnorm_modes(record, data))
    batch = {part: pd.to_numeric(frame[f"{part}_training"], errors="coerce") for part in ("train", "validation")}
    return frame.assign(gap_training=batch["train"] - batch["validation"])


EXACT_ANALYSIS, EXACT_VERSION = "batchnorm_modes_exact", 2  # 2: batches of the exact images alone


def exact_modes(record: RunRecord, data: Cifar10) -> dict[str, Any]:
    """Accuracy on the exact first test images in inference mode and with batch statistics (None without
    BatchNorm), the latter over consecutive batches of those images alone, so that no JPEG-derived image enters
    a batch's statistics."""
    from cnnlab.features import load_trained

    model = load_trained(record)
    n = min(EXACT_TEST_IMAGES, len(data.y_test))
    x, labels = preprocess(data.x_test[:n]), data.y_test[:n]
    result: dict[str, Any] = {"images": n, "exact_inference": accuracy(model, x, labels)}
    batch = training_mode_predictions(model, x) if has_batchnorm(model) else None
    result["exact_training"] = None if batch is None else float(np.mean(batch == labels))
    return result


def exact_modes_table(runs: dict[str, list[RunRecord]], data: Cifar10) -> pd.DataFrame:
    """:func:`exact_modes` for every run (variant, seed, images, exact_inference, exact_training), cached per run."""
    return derived_table(runs, EXACT_ANALYSIS, EXACT_VERSION, lambda record: exact_modes(record, data))
