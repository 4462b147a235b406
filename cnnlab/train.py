"""One training run under the practical's protocol (Q5-Q7): seed, build, compile, fit, evaluate."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cnnlab.callbacks import BackgroundEvaluation, EpochTimer, ProgressFile, RunCheckpoint
from cnnlab.config import RunConfig
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.determinism import epoch_permutation, seed_everything
from cnnlab.evaluation import evaluate
from cnnlab.models import build_model
from cnnlab.quiet import import_keras

# Batches per call of the compiled training step (Keras's default is 1): the same operations in the
# same order, with less Python between batches; measured 4-7 % faster per epoch for tiny_resnet
# (cnnlab bench notes in the README), and the losses stay bit-identical (tests/test_train.py).
STEPS_PER_EXECUTION = 16
keras = import_keras()


@dataclass
class RunResult:
    """What one run produces: per-epoch history, final metrics, test predictions, the trained model."""

    config: RunConfig
    history: pd.DataFrame
    metrics: dict[str, Any]
    predictions: np.ndarray
    model: Any = field(repr=False)
    resumed_at: list[int] = field(default_factory=list)  # epochs after which an interrupted run was resumed


def _epoch_rows(history: dict[str, list[float]]) -> list[dict[str, float]]:
    """Keras's History (one list per metric) as one dict per epoch."""
    return [dict(zip(history, values, strict=True)) for values in zip(*history.values(), strict=True)]


def compile_model(config: RunConfig, steps_per_execution: int = 1) -> Any:
    """Build the variant and compile it with Adam (Keras defaults) and sparse cross-entropy (Q5).

    ``steps_per_execution`` runs several batches per call of the compiled step: the same
    operations in the same order, with less Python overhead. The precision is the layers' dtype policy
    (``models.build_model``), so no global Keras setting outlives the run.
    """
    model = build_model(config.variant, width=config.width, dtype=config.precision)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def training_arrays(config: RunConfig, data: Cifar10) -> tuple[np.ndarray, np.ndarray]:
    """The (optionally subset) training images as float32 in [0, 1] with their integer labels."""
    n = config.train_subset or len(data.x_train)
    if n > len(data.x_train):
        from cnnlab.errors import ConfigError

        raise ConfigError(f"train_subset={n} exceeds the {len(data.x_train)} training images")
    return preprocess(data.x_train[:n]), data.y_train[:n]


def _fit(model: Any, x: np.ndarray, y: np.ndarray, config: RunConfig, done: int, callbacks: list[Any]) -> list[dict]:
    """Train epochs ``done + 1 .. config.epochs``; returns their logs.

    ``shuffle="keras"`` is one ``fit(shuffle=True)``: under a fixed seed Keras visits the images in the
    same order at every epoch. ``"every_epoch"`` runs one ``fit`` per epoch on the images in that
    epoch's own permutation (``determinism.epoch_permutation``), unshuffled by Keras.
    """
    common = {"batch_size": config.batch_size, "verbose": 0, "callbacks": callbacks}
    if config.shuffle == "keras":
        fitted = model.fit(x, y, epochs=config.epochs, initial_epoch=done, shuffle=True, **common)
        return _epoch_rows(fitted.history)
    logs: list[dict] = []
    for epoch in range(done, config.epochs):
        order = epoch_permutation(config.order_seed, epoch, len(x))
        fitted = model.fit(x[order], y[order], epochs=epoch + 1, initial_epoch=epoch, shuffle=False, **common)
        logs += _epoch_rows(fitted.history)
    return logs


def initial_model(config: RunConfig, steps_per_execution: int = 1) -> Any:
    """The compiled model with the initial weights of ``config``'s run: drawn after seeding with ``init_seed``."""
    seed_everything(config.init_seed)
    return compile_model(config, steps_per_execution)


def train_run(
    config: RunConfig,
    data: Cifar10,
    progress_file: str | os.PathLike[str] | None = None,
    steps_per_execution: int = STEPS_PER_EXECUTION,
    checkpoint_path: str | os.PathLike[str] | None = None,
) -> RunResult:
    """Train one run with the protocol of Q6 and evaluate it on the test set (Q7).

    The initial weights are drawn after seeding with ``init_seed``; the training then starts after
    seeding with ``order_seed`` (for the protocol's runs both are the seed: seeding again with the
    same value changes nothing, tests/test_train.py). The validation set is what
    ``fit(validation_split=...)`` holds out: the last fraction of the training arrays, taken before
    shuffling; it is evaluated with the test set by ``BackgroundEvaluation`` rather than inside
    ``fit``. With ``checkpoint_path`` the run saves its state after every epoch and, restarted,
    continues from there (``cnnlab.checkpoint``). TensorFlow's threads are the caller's to set
    (``determinism.configure_threads``) before the process's first operation.
    """
    x_train, y_train = training_arrays(config, data)
    x_test, y_test = preprocess(data.x_test), data.y_test
    model = initial_model(config, steps_per_execution)
    n_fit = math.floor(len(x_train) * (1 - config.validation_split))  # as Keras splits
    evaluation = BackgroundEvaluation(
        compile_model(config), {"val": (x_train[n_fit:], y_train[n_fit:]), "test": (x_test, y_test)}
    )
    # The timer comes after the evaluation, so that an epoch's seconds include waiting for the previous
    # evaluation; the checkpoint after both, so that it saves complete logs.
    callbacks: list[Any] = [evaluation, EpochTimer()]
    saved, done, earlier_logs = None, 0, []
    if checkpoint_path is not None:
        checkpoint = RunCheckpoint(checkpoint_path, evaluation.finished)
        saved = checkpoint.restore(model)
        if checkpoint.discarded:  # a failed load may have left part of the checkpoint in the model
            model = initial_model(config, steps_per_execution)
        callbacks.append(checkpoint)
    if saved is not None:
        done, earlier_logs = saved.epochs_done, list(saved.train_logs)  # the checkpoint appends to its own list
        evaluation.restore(saved.evaluations)
        if len(saved.evaluations) < done:  # the last saved epoch was still being evaluated
            evaluation.submit(model.get_weights())
    if progress_file is not None:
        progress = ProgressFile(progress_file, config.epochs)
        progress.write(done)
        callbacks.append(progress)
    seed_everything(config.order_seed)
    logs = _fit(model, x_train[:n_fit], y_train[:n_fit], config, done, callbacks)
    train_logs = pd.DataFrame(earlier_logs + logs)
    history = train_logs.join(pd.DataFrame(evaluation.results()))
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    test, predictions = evaluate(model, x_test, y_test)
    exact, _ = evaluate(model, x_test[:EXACT_TEST_IMAGES], y_test[:EXACT_TEST_IMAGES])
    seconds = history["seconds"].to_numpy()
    # The first epoch also traces the graphs; later epochs show the steady cost.
    steady = seconds[1:] if len(seconds) > 1 else seconds
    metrics = {
        "test_loss": test["loss"],
        "test_accuracy": test["accuracy"],
        "test_exact_loss": exact["loss"],
        "test_exact_accuracy": exact["accuracy"],
        "n_test": len(y_test),
        "n_test_exact": min(EXACT_TEST_IMAGES, len(y_test)),
        "n_train": n_fit,
        "n_validation": len(x_train) - n_fit,
        "per_class_accuracy": test["per_class_accuracy"],
        "confusion_matrix": test["confusion_matrix"],
        "parameters": int(model.count_params()),
        # The mean over epochs after the first; tables and status show each run's median instead
        # (RunRecord.median_epoch_seconds), which one stalled epoch does not move.
        "seconds_per_epoch": float(np.mean(steady)),
        "first_epoch_seconds": float(seconds[0]),
        "final_train_loss": float(history["loss"].iloc[-1]),
        "final_val_accuracy": float(history["val_accuracy"].iloc[-1]),
        "diverged": bool(not np.isfinite(history["loss"]).all()),
    }
    return RunResult(config, history, metrics, predictions, model, saved.resumed_at if saved else [])
