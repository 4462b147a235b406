"""One training run under the practical's protocol (Q5-Q7): seed, build, compile, fit, evaluate."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cnnlab.callbacks import EVAL_BATCH_SIZE, BackgroundEvaluation, EpochTimer, ProgressFile, RunCheckpoint
from cnnlab.config import RunConfig
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.models import build_model
from cnnlab.quiet import import_keras, import_tensorflow

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


def configure_threads(threads: int | None) -> None:
    """Pin TensorFlow's thread pools (must run before the first op); ``None`` keeps its default."""
    if threads:
        tf = import_tensorflow()
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, and ask TensorFlow for deterministic kernels."""
    keras.utils.set_random_seed(seed)
    import_tensorflow().config.experimental.enable_op_determinism()


def _epoch_rows(history: dict[str, list[float]]) -> list[dict[str, float]]:
    """Keras's History (one list per metric) as one dict per epoch."""
    return [dict(zip(history, values, strict=True)) for values in zip(*history.values(), strict=True)]


def compile_model(config: RunConfig, steps_per_execution: int = 1) -> Any:
    """Build the variant and compile it with Adam (Keras defaults) and sparse cross-entropy (Q5).

    ``steps_per_execution`` runs several batches per call of the compiled step: the same
    operations in the same order, with less Python overhead.
    """
    keras.mixed_precision.set_global_policy(config.precision)
    model = build_model(config.variant, width=config.width)
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


def evaluate(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[dict[str, Any], np.ndarray]:
    """Test metrics (Q7): loss, accuracy, per-class accuracy, confusion matrix; and the predicted labels."""
    probabilities = model.predict(x, batch_size=EVAL_BATCH_SIZE, verbose=0)
    predicted = probabilities.argmax(axis=1)
    loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (y, predicted), 1)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    metrics = {
        "loss": float(np.mean(loss)),
        "accuracy": float(np.mean(predicted == y)),
        "per_class_accuracy": per_class.tolist(),
        "confusion_matrix": confusion.tolist(),
    }
    return metrics, predicted.astype(np.uint8)


def train_run(
    config: RunConfig,
    data: Cifar10,
    progress_file: str | os.PathLike[str] | None = None,
    threads: int | None = None,
    steps_per_execution: int = STEPS_PER_EXECUTION,
    checkpoint_path: str | os.PathLike[str] | None = None,
) -> RunResult:
    """Train one (variant, seed) with the protocol of Q6 and evaluate it on the test set (Q7).

    The validation set is what ``fit(validation_split=...)`` holds out: the last fraction of the
    training arrays, taken before shuffling; the rest is passed to ``fit(shuffle=True)``, which under
    a fixed seed visits it in the same shuffled order at every epoch. It is evaluated with the test
    set by ``BackgroundEvaluation`` rather than inside ``fit``. With ``checkpoint_path`` the run saves
    its state after every epoch and, restarted, continues from there (``cnnlab.checkpoint``).
    """
    configure_threads(threads)
    seed_everything(config.seed)
    x_train, y_train = training_arrays(config, data)
    x_test, y_test = preprocess(data.x_test), data.y_test
    model = compile_model(config, steps_per_execution)
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
            seed_everything(config.seed)
            model = compile_model(config, steps_per_execution)
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
    fitted = model.fit(
        x_train[:n_fit],
        y_train[:n_fit],
        batch_size=config.batch_size,
        epochs=config.epochs,
        initial_epoch=done,
        shuffle=True,
        verbose=0,
        callbacks=callbacks,
    )
    train_logs = pd.DataFrame(earlier_logs + _epoch_rows(fitted.history))
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
        "seconds_per_epoch": float(np.mean(steady)),
        "first_epoch_seconds": float(seconds[0]),
        "final_train_loss": float(history["loss"].iloc[-1]),
        "final_val_accuracy": float(history["val_accuracy"].iloc[-1]),
        "diverged": bool(not np.isfinite(history["loss"]).all()),
    }
    return RunResult(config, history, metrics, predictions, model, saved.resumed_at if saved else [])
