"""One training run under the practical's protocol (Q5-Q7): seed, build, compile, fit, evaluate."""

from __future__ import annotations

import json
import math
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cnnlab.config import RunConfig
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.models import build_model
from cnnlab.quiet import import_keras, import_tensorflow

# Evaluation batches do not change what is learned, only how fast the validation and test
# passes run; a large batch amortises per-step overhead on the CPU.
EVAL_BATCH_SIZE = 1024
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


class EpochTimer(keras.callbacks.Callback):
    """Adds the wall-clock seconds of each epoch to the logs (placed last: it includes the callbacks before it)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start


class BackgroundEvaluation(keras.callbacks.Callback):
    """Evaluates held-out sets on a copy of each epoch's weights, in a thread beside the training.

    At each epoch's end the weights are copied into ``twin`` (a second compiled model of the same
    variant) and the sets are evaluated there while the next epoch trains: the same computation as
    Keras's own per-epoch validation at the same batch size, but on a core that the small
    convolutions of the training step leave mostly idle. The test set is evaluated for the Q8
    curves only, never to choose anything. Results arrive in epoch order through ``results()``.
    """

    def __init__(self, twin: Any, sets: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        super().__init__()
        self.twin, self.sets = twin, sets
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnnlab-evaluation")
        self._pending: list[Future[dict[str, float]]] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        # At most one evaluation in flight: the previous epoch's finishes before this one's starts,
        # so an epoch's measured time includes one evaluation, and snapshots never pile up.
        if self._pending:
            self._pending[-1].result()
        self._pending.append(self._executor.submit(self._evaluate, self.model.get_weights()))

    def _evaluate(self, weights: list[np.ndarray]) -> dict[str, float]:
        self.twin.set_weights(weights)
        scores = {}
        for prefix, (x, y) in self.sets.items():
            result = self.twin.evaluate(x, y, batch_size=EVAL_BATCH_SIZE, verbose=0, return_dict=True)
            scores[f"{prefix}_loss"], scores[f"{prefix}_accuracy"] = float(result["loss"]), float(result["accuracy"])
        return scores

    def results(self) -> list[dict[str, float]]:
        """Every finished epoch's scores, waiting for the last; re-raises a failed evaluation."""
        try:
            return [future.result() for future in self._pending]
        finally:
            self._executor.shutdown(wait=True)


class ProgressFile(keras.callbacks.Callback):
    """Writes {"epoch": done, "epochs": total} to a JSON file after each epoch, for progress bars."""

    def __init__(self, path: str | os.PathLike[str], epochs: int) -> None:
        super().__init__()
        self.path, self.epochs = Path(path), epochs

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        state = {"epoch": epoch + 1, "epochs": self.epochs}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.path)


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
) -> RunResult:
    """Train one (variant, seed) with the protocol of Q6 and evaluate it on the test set (Q7).

    The validation set is what ``fit(validation_split=...)`` holds out: the last fraction of the
    training arrays, taken before shuffling; the rest is shuffled every epoch. It is evaluated
    with the test set by ``BackgroundEvaluation`` rather than inside ``fit``.
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
    # The timer comes last, so that an epoch's seconds include waiting for the previous evaluation.
    callbacks: list[Any] = [evaluation, EpochTimer()]
    if progress_file is not None:
        callbacks.append(ProgressFile(progress_file, config.epochs))
    fitted = model.fit(
        x_train[:n_fit],
        y_train[:n_fit],
        batch_size=config.batch_size,
        epochs=config.epochs,
        shuffle=True,
        verbose=0,
        callbacks=callbacks,
    )
    history = pd.DataFrame(fitted.history).join(pd.DataFrame(evaluation.results()))
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
    return RunResult(config, history, metrics, predictions, model)
