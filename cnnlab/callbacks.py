"""The Keras callbacks of a run: epoch timing, evaluation beside the training, progress, checkpoints."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from cnnlab.checkpoint import SavedState, read_state, write_state
from cnnlab.progress import write_progress
from cnnlab.quiet import import_keras

keras = import_keras()
# Evaluation batches do not change what is learned, only how fast the validation and test
# passes run; a large batch amortises per-step overhead on the CPU.
EVAL_BATCH_SIZE = 1024


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

    def restore(self, evaluations: list[dict[str, float]]) -> None:
        """Start from the evaluations of epochs run before an interruption (checkpoint.SavedState)."""
        self._pending = []
        for scores in evaluations:
            done: Future[dict[str, float]] = Future()
            done.set_result(scores)
            self._pending.append(done)

    def submit(self, weights: list[np.ndarray]) -> None:
        """Queue the evaluation of one epoch's weights, after waiting for the previous one."""
        # At most one evaluation in flight: the previous epoch's finishes before this one's starts,
        # so an epoch's measured time includes one evaluation, and snapshots never pile up.
        if self._pending:
            self._pending[-1].result()
        self._pending.append(self._executor.submit(self._evaluate, weights))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.submit(self.model.get_weights())

    def finished(self) -> list[dict[str, float]]:
        """The scores of the epochs evaluated so far, in epoch order, without waiting."""
        done = []
        for future in self._pending:
            if not future.done():
                break
            done.append(future.result())
        return done

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
        self.write(epoch + 1)

    def write(self, done: int) -> None:
        """Record that ``done`` epochs are finished."""
        write_progress(self.path, done, self.epochs)


class RunCheckpoint(keras.callbacks.Callback):
    """Saves weights, optimizer state and history after every epoch, to resume the run after an interruption.

    Place it after the evaluation and timing callbacks, so that an epoch's logs are complete when
    it saves. ``finished_evaluations`` returns the evaluations done so far, in epoch order.
    """

    def __init__(self, path: str | os.PathLike[str], finished_evaluations: Callable[[], list[dict[str, float]]]):
        super().__init__()
        self.path = Path(path)
        self.finished_evaluations = finished_evaluations
        self.state = SavedState()
        self.discarded = False  # an unusable checkpoint was found: the model may hold part of it

    def restore(self, model: Any) -> SavedState | None:
        """Load the checkpoint into ``model`` (compiled); None, with a warning when it is unusable."""
        if not self.path.exists():
            return None
        state = read_state(self.path)
        try:
            if state is None:
                raise ValueError("its saved history is missing or inconsistent")
            if not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)
            # Keras only warns when parts of a file do not fit the model: a partial load is a failure here.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.load_weights(self.path)
            if caught:
                raise ValueError(f"it does not fit the model: {caught[0].message}")
        except Exception as exc:  # whatever the file holds, an unusable checkpoint only means starting again
            self.discarded = True
            warnings.warn(f"ignoring the unusable checkpoint {self.path} ({exc}); the run starts again", stacklevel=2)
            return None
        state.resumed_at.append(state.epochs_done)
        self.state = state
        return state

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.state.train_logs.append({k: float(v) for k, v in (logs or {}).items()})
        self.state.evaluations = self.finished_evaluations()
        write_state(self.path, self.model, self.state)
