"""The checkpoint of an unfinished run: resuming where it stopped, computing what the uninterrupted run would have.

After every epoch, ``callbacks.RunCheckpoint`` saves the model's weights with Adam's state (moments
and step count) and the history so far into one HDF5 file, replaced atomically: a checkpoint is
whole or absent. A restarted run with the same configuration loads it and continues with the next
epoch. That gives the same numbers as an uninterrupted run because nothing else carries over between
epochs: the models have no dropout or other random layers, and with a fixed seed Keras's TensorFlow
backend visits the training images in the same order at every epoch, and ``shuffle="every_epoch"`` draws
each epoch's order from the seed and the epoch alone (``cnnlab.determinism``); tests/test_checkpoint.py
compares a resumed run with an uninterrupted one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cnnlab.cache import CHECKPOINTS, RunCache
from cnnlab.config import RunConfig

STATE_ATTRIBUTE = "cnnlab_checkpoint"


@dataclass
class SavedState:
    """What a checkpoint holds besides the weights: per-epoch training logs and finished evaluations."""

    train_logs: list[dict[str, float]] = field(default_factory=list)
    evaluations: list[dict[str, float]] = field(default_factory=list)
    resumed_at: list[int] = field(default_factory=list)  # epochs after which the run was resumed

    @property
    def epochs_done(self) -> int:
        """Epochs whose training finished (the last one's evaluation may be missing)."""
        return len(self.train_logs)


def read_state(path: str | os.PathLike[str]) -> SavedState | None:
    """The checkpoint's state without loading a model; None when it is absent, unreadable or inconsistent."""
    import h5py

    try:
        with h5py.File(path, "r") as file:
            raw = json.loads(file.attrs[STATE_ATTRIBUTE])
        state = SavedState(raw["train_logs"], raw["evaluations"], raw.get("resumed_at", []))
    except (OSError, KeyError, TypeError, ValueError):
        return None
    # The evaluation runs at most one epoch behind the training (callbacks.BackgroundEvaluation).
    return state if state.epochs_done - 1 <= len(state.evaluations) <= state.epochs_done else None


def write_state(path: str | os.PathLike[str], model: Any, state: SavedState) -> None:
    """Save ``model``'s weights and optimizer with ``state`` to a temporary file, then rename it over ``path``."""
    import h5py

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keras wants the .weights.h5 suffix; the process id lets RunCache.clean_staging remove a leftover.
    tmp = path.with_name(f".{path.name.removesuffix('.weights.h5')}.pid{os.getpid()}.weights.h5")
    model.save_weights(tmp)
    with h5py.File(tmp, "a") as file:
        file.attrs[STATE_ATTRIBUTE] = json.dumps(asdict(state))
    os.replace(tmp, path)


def saved_epochs(cache: RunCache, config: RunConfig, data_fingerprint: str) -> int:
    """Epochs an unfinished run has saved (0 without a usable checkpoint): where it will resume."""
    path = cache.checkpoint_path(config, data_fingerprint)
    state = read_state(path) if path.exists() else None
    return state.epochs_done if state else 0


def unfinished_runs(cache: RunCache) -> list[tuple[str, int | None]]:
    """Every checkpoint of an interrupted run in ``cache``: (run folder name, epochs saved; None if unreadable)."""
    found = []
    for path in sorted((cache.root / CHECKPOINTS).glob("*.weights.h5")):
        if not path.name.startswith("."):  # a checkpoint being written
            state = read_state(path)
            found.append((path.name.removesuffix(".weights.h5"), state.epochs_done if state else None))
    return found
