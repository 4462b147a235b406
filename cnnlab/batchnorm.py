"""BatchNorm at test time: recompute its running statistics from training images after training.

Keras's BatchNormalization normalises with the batch's own statistics while training and with running
averages of them (momentum 0.99) at test time. A diagnostic, not part of the protocol: setting those
averages to the statistics the final weights actually produce changes no trained weight, so a test
accuracy that moves much shows how far the stored averages were off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cnnlab.cache import RunRecord
from cnnlab.data import Cifar10, preprocess
from cnnlab.evaluation import evaluate
from cnnlab.features import load_trained
from cnnlab.quiet import import_keras

RECALIBRATION_IMAGES = 5000


def recalibrate(model: Any, images: np.ndarray, batch_size: int = 500) -> None:
    """Set every BatchNormalization layer's moving mean and variance to the mean and variance of its
    input over ``images`` (preprocessed), layer after layer in model order; other weights are unchanged."""
    keras = import_keras()
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            inputs = keras.Model(model.inputs, layer.input).predict(images, batch_size=batch_size, verbose=0)
            axes = tuple(range(inputs.ndim - 1))
            gamma, beta, _, _ = layer.get_weights()
            layer.set_weights([gamma, beta, inputs.mean(axis=axes), inputs.var(axis=axes)])


def recalibrated_accuracy(record: RunRecord, data: Cifar10, n_images: int = RECALIBRATION_IMAGES) -> float:
    """Test accuracy of a cached run after :func:`recalibrate` on its first ``n_images`` training images
    (they belong to the part it was trained on, the first 70 %)."""
    model = load_trained(record)
    recalibrate(model, preprocess(data.x_train[:n_images]))
    metrics, _ = evaluate(model, preprocess(data.x_test), data.y_test)
    return metrics["accuracy"]


def recalibrated_accuracies(records: Sequence[RunRecord], data: Cifar10) -> np.ndarray:
    """:func:`recalibrated_accuracy` of each run, in the given order."""
    return np.array([recalibrated_accuracy(record, data) for record in records])
