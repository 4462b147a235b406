"""Accuracy of a trained model on given images, at test time or as during training (BatchNorm's two modes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from cnnlab.quiet import import_keras

PREDICT_BATCH = 1024  # inference mode gives the same outputs at any batch size; larger is faster
TRAINING_BATCH = 128  # the protocol's batch size: in training mode BatchNorm uses each batch's statistics


def has_batchnorm(model: Any) -> bool:
    """True when the model has a BatchNormalization layer (only then do the two modes differ)."""
    keras = import_keras()
    return any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)


@contextmanager
def weights_restored(model: Any) -> Iterator[Any]:
    """Run a block that may change the model's weights (moving statistics), then put them back."""
    saved = model.get_weights()
    try:
        yield model
    finally:
        model.set_weights(saved)


def accuracy(model: Any, images: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of ``images`` (preprocessed float32) classified as ``labels`` in inference mode."""
    predicted = model.predict(images, batch_size=PREDICT_BATCH, verbose=0).argmax(axis=1)
    return float(np.mean(predicted == labels))


def training_mode_predictions(model: Any, images: np.ndarray, batch_size: int = TRAINING_BATCH) -> np.ndarray:
    """The classes ``model(x, training=True)`` predicts: BatchNorm normalises each batch with its own statistics.

    The batches are consecutive slices of ``images`` in the given order (the last one may be smaller).
    Training itself saw other batches (a shuffled order), so this is what training mode gives with the
    final weights, not a replay of any epoch. Keras updates the moving statistics in training mode;
    they are restored afterwards, so the model is unchanged.
    """
    import tensorflow as tf

    forward = tf.function(lambda x: model(x, training=True), reduce_retracing=True)
    with weights_restored(model):
        batches = [
            forward(tf.constant(images[start : start + batch_size])).numpy().argmax(axis=1)
            for start in range(0, len(images), batch_size)
        ]
    return np.concatenate(batches)


def training_mode_accuracy(
    model: Any, images: np.ndarray, labels: np.ndarray, batch_size: int = TRAINING_BATCH
) -> float:
    """Accuracy with batch statistics (:func:`training_mode_predictions`)."""
    return float(np.mean(training_mode_predictions(model, images, batch_size) == labels))
