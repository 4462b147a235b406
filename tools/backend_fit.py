"""Seconds per epoch of a plain Keras fit on any Keras 3 backend (issue #5's optional measurement).

    KERAS_BACKEND=jax PYTHONPATH=. python tools/backend_fit.py tiny_vgg 3 ../shared/data/cifar-10-batches-py

needs only keras, numpy and the backend (e.g. ``pip install "jax[cpu]" keras``); it builds the
variant with cnnlab.models and fits it as a student would (batch 128, 30 % validation split),
printing one JSON line. The first epoch (tracing, compilation) is left out of the mean.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from cnnlab.data import load_local, preprocess
from cnnlab.models import build_model
from cnnlab.quiet import import_keras


def main(variant: str, epochs: int, data_dir: str) -> None:
    keras = import_keras()
    keras.utils.set_random_seed(0)
    data = load_local(data_dir)
    model = build_model(variant)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seconds: list[float] = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            seconds.append(time.perf_counter() - self.start)

    history = model.fit(
        preprocess(data.x_train),
        data.y_train,
        epochs=epochs,
        batch_size=128,
        validation_split=0.3,
        verbose=0,
        callbacks=[Timer()],
    )
    print(
        json.dumps(
            {
                "backend": keras.backend.backend(),
                "keras": keras.__version__,
                "variant": variant,
                "s_per_epoch": float(np.mean(seconds[1:] or seconds)),
                "seconds": seconds,
                "loss": [float(v) for v in history.history["loss"]],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
