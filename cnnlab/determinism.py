"""What makes a run repeatable: seeds, TensorFlow's thread pools, and the order of the training images.

A run's initial weights come from ``init_seed``; the order in which it visits the training images
from ``order_seed``. Under a fixed seed, Keras 3's TensorFlow backend draws the same permutation at
every epoch of ``fit(shuffle=True)`` (``keras_epoch_orders`` shows it): that is the protocol's
``shuffle="keras"``. ``shuffle="every_epoch"`` instead draws a new permutation for each epoch from
``order_seed`` and the epoch (``epoch_permutation``). The thread count is part of the run's
configuration because the order of float sums, hence the results, depends on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnlab.errors import ConfigError
from cnnlab.quiet import import_keras, import_tensorflow


def configure_threads(threads: int) -> None:
    """Pin TensorFlow's intra- and inter-op pools to ``threads`` before the first operation of the process.

    Raises ``ConfigError`` when TensorFlow already runs with another setting: pools cannot change
    inside a process, and a run with other threads computes other numbers.
    """
    tf = import_tensorflow()
    if tf.config.threading.get_intra_op_parallelism_threads() == threads:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError as exc:
        current = tf.config.threading.get_intra_op_parallelism_threads() or "its default number of"
        raise ConfigError(
            f"this process already runs TensorFlow with {current} threads; a run with threads={threads} "
            "needs a new process (cnnlab run and sweep start one)"
        ) from exc


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, and ask TensorFlow for deterministic kernels."""
    import_keras().utils.set_random_seed(seed)
    import_tensorflow().config.experimental.enable_op_determinism()


def epoch_permutation(order_seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the ``n`` training images in ``epoch`` (from 0) under ``shuffle="every_epoch"``.

    A function of ``(order_seed, epoch)`` alone, so that a resumed run draws what an uninterrupted one drew.
    """
    return np.random.default_rng([order_seed, epoch]).permutation(n)


def keras_epoch_orders(seed: int, samples: int = 12, epochs: int = 3, batch_size: int = 4) -> list[list[int]]:
    """The order in which ``fit(shuffle=True)`` visits ``samples`` examples in each of ``epochs``, after seeding.

    Found by fitting a two-unit model eagerly on the sample indices and recording every batch: it
    shows how the installed Keras shuffles under a fixed seed (the report states the result, with as many samples
    and the batch size of a run). The model it trains is a throwaway on the sample numbers, nothing of a run.
    """
    keras = import_keras()
    seen: list[int] = []

    class Recorder(keras.layers.Layer):
        def call(self, inputs: Any, training: bool | None = None) -> Any:
            if training:
                seen.extend(int(v) for v in np.asarray(inputs)[:, 0])
            return inputs

    seed_everything(seed)
    x = np.arange(samples, dtype="float32")[:, None]
    model = keras.Sequential([keras.Input((1,)), Recorder(), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", run_eagerly=True)
    model.fit(x, np.zeros(samples, dtype="int32"), batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return [seen[e * samples : (e + 1) * samples] for e in range(epochs)]
