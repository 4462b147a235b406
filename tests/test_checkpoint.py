"""An interrupted run resumes from its last epoch and computes what the uninterrupted run computes."""

from dataclasses import replace

import numpy as np
import pytest

from cnnlab.callbacks import RunCheckpoint
from cnnlab.checkpoint import read_state, saved_epochs, unfinished_runs
from cnnlab.config import RunConfig
from cnnlab.data import load_local
from cnnlab.train import train_run

CONFIG = RunConfig("tiny_vgg_bn", 3, epochs=3, train_subset=1000)
COLUMNS = ["loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"]


@pytest.fixture(scope="module")
def data(tiny_data_dir):
    return load_local(tiny_data_dir)


@pytest.fixture(scope="module")
def uninterrupted(data):
    return train_run(CONFIG, data)


def _interrupted(monkeypatch, config, data, path, epochs: int) -> None:
    """Train ``config`` and stop, as a killed process would, right after saving the checkpoint of ``epochs``."""
    save = RunCheckpoint.on_epoch_end

    def save_then_stop(self, epoch, logs=None):
        save(self, epoch, logs)
        if epoch + 1 == epochs:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(RunCheckpoint, "on_epoch_end", save_then_stop)
        with pytest.raises(KeyboardInterrupt):
            train_run(config, data, checkpoint_path=path)


def test_resumed_run_equals_the_uninterrupted_run(tmp_path, monkeypatch, data, uninterrupted):
    path = tmp_path / "run.weights.h5"
    _interrupted(monkeypatch, CONFIG, data, path, 2)
    saved = read_state(path)
    assert saved is not None and saved.epochs_done == 2
    resumed = train_run(CONFIG, data, checkpoint_path=path)
    assert resumed.resumed_at == [2]
    assert resumed.history["epoch"].tolist() == [1, 2, 3]
    assert resumed.history[COLUMNS].equals(uninterrupted.history[COLUMNS])
    assert resumed.metrics["test_loss"] == uninterrupted.metrics["test_loss"]
    np.testing.assert_array_equal(resumed.predictions, uninterrupted.predictions)


def test_a_reshuffled_run_resumes_to_the_uninterrupted_numbers(tmp_path, monkeypatch, data):
    """With a new order every epoch, the resumed epochs draw the orders the uninterrupted run drew."""
    config = replace(CONFIG, shuffle="every_epoch")
    uninterrupted = train_run(config, data)
    path = tmp_path / "run.weights.h5"
    _interrupted(monkeypatch, config, data, path, 1)
    resumed = train_run(config, data, checkpoint_path=path)
    assert resumed.resumed_at == [1]
    assert resumed.history[COLUMNS].equals(uninterrupted.history[COLUMNS])
    np.testing.assert_array_equal(resumed.predictions, uninterrupted.predictions)


def test_a_run_interrupted_after_its_last_epoch_only_evaluates(tmp_path, monkeypatch, data, uninterrupted):
    path = tmp_path / "run.weights.h5"
    _interrupted(monkeypatch, CONFIG, data, path, 3)
    resumed = train_run(CONFIG, data, checkpoint_path=path)
    assert resumed.resumed_at == [3]
    assert resumed.history[COLUMNS].equals(uninterrupted.history[COLUMNS])


@pytest.mark.parametrize("damage", ["garbage", "empty", "another_model"])
def test_an_unusable_checkpoint_is_ignored_with_a_warning(tmp_path, monkeypatch, data, uninterrupted, damage):
    path = tmp_path / "run.weights.h5"
    if damage == "another_model":  # a whole checkpoint that does not fit: the run starts from its seed
        _interrupted(monkeypatch, RunConfig("tiny_resnet", 0, epochs=2, train_subset=300), data, path, 1)
    else:
        path.write_bytes(b"not an HDF5 file" if damage == "garbage" else b"")
    with pytest.warns(UserWarning, match="unusable checkpoint"):
        result = train_run(CONFIG, data, checkpoint_path=path)
    assert result.resumed_at == []
    assert result.history[COLUMNS].equals(uninterrupted.history[COLUMNS])


def test_the_cache_lists_resumable_runs_and_drops_their_checkpoint_when_cached(tmp_path, monkeypatch, data):
    from datetime import UTC, datetime

    from cnnlab.cache import RunCache
    from cnnlab.record import write_run_files
    from cnnlab.status import format_status

    config = RunConfig("tiny_vgg", 0, epochs=2, train_subset=300)
    cache = RunCache(tmp_path / "cache")
    path = cache.checkpoint_path(config, data.fingerprint())
    _interrupted(monkeypatch, config, data, path, 1)
    assert saved_epochs(cache, config, data.fingerprint()) == 1
    assert unfinished_runs(cache) == [(cache.path_for(config, data.fingerprint()).name, 1)]
    assert "saved after epoch 1" in format_status(cache)

    result = train_run(config, data, checkpoint_path=path)
    staging = cache.new_staging(config.variant)
    write_run_files(staging, result, data, datetime.now(UTC))
    cache.commit(staging, config, data.fingerprint())
    assert not path.exists() and unfinished_runs(cache) == []
    assert cache.lookup(config, data.fingerprint()).metadata["resumed_at_epochs"] == [1]
