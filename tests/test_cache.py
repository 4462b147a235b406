"""Cache keys, atomic commits, and corrupt or partial folders."""

import dataclasses
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from cnnlab.cache import MANIFEST_FILE, METRICS_FILE, RunCache, read_run, run_key, run_name
from cnnlab.config import RunConfig
from cnnlab.data import load_local
from cnnlab.errors import CacheError, CorruptRunError
from cnnlab.record import write_run_files
from cnnlab.train import train_run

FP = "0123456789abcdef"


def test_key_is_stable_and_changes_with_every_semantic_field():
    base = RunConfig("tiny_vgg", 0)
    assert run_key(base, FP) == run_key(RunConfig("tiny_vgg", 0), FP)
    changes = {
        "variant": "tiny_resnet",
        "seed": 1,
        "epochs": 99,
        "batch_size": 64,
        "validation_split": 0.2,
        "learning_rate": 0.01,
        "width": 8,
        "train_subset": 1000,
        "precision": "mixed_bfloat16",
        "init_seed": 5,
        "order_seed": 6,
        "shuffle": "every_epoch",
        "threads": 2,
    }
    assert set(changes) == {f.name for f in dataclasses.fields(RunConfig)}
    keys = {run_key(dataclasses.replace(base, **{k: v}), FP) for k, v in changes.items()}
    assert len(keys) == len(changes) and run_key(base, FP) not in keys
    assert run_key(base, "another-data") != run_key(base, FP)


def test_key_ignores_paths_and_verbosity():
    # Paths and verbosity are not RunConfig fields, so they cannot reach the key;
    # the notebook's place parameters map to the same config whatever their values.
    from cnnlab.notebook_cells import parameters_from_namespace

    values = {**RunConfig("tiny_vgg", 3).to_dict(), "data_dir": "/a", "cache_dir": "/b", "staging_dir": ""}
    config_a, _ = parameters_from_namespace(values)
    config_b, _ = parameters_from_namespace({**values, "data_dir": "/elsewhere", "cache_dir": ""})
    assert run_key(config_a, FP) == run_key(config_b, FP)


def test_fields_added_later_keep_the_first_runs_keys():
    """A config.json written before init_seed, order_seed, shuffle and threads existed names the same run."""
    first_runs_fields = {"variant": "tiny_vgg", "seed": 3, "epochs": 100, "batch_size": 128}
    old = RunConfig.from_dict(first_runs_fields)
    explicit = RunConfig("tiny_vgg", 3, init_seed=3, order_seed=3, shuffle="keras", threads=1)
    assert old == explicit and (old.init_seed, old.order_seed) == (3, 3)
    assert run_key(old, FP) == run_key(explicit, FP)
    # The key of the committed tiny_vgg seed-0 run, computed before those fields existed.
    fingerprint = json.loads((Path(__file__).parents[1] / "cache" / COMMITTED / "config.json").read_text())
    assert run_name(RunConfig("tiny_vgg", 0), fingerprint["data_fingerprint"]) == COMMITTED


COMMITTED = "tiny_vgg-seed00-e100-0a6a301c801e"


def test_folder_name_tells_what_the_seeds_and_shuffle_are():
    assert run_name(RunConfig("tiny_vgg", 3, order_seed=0), FP).startswith("tiny_vgg-seed03-order00-e100-")
    assert run_name(RunConfig("tiny_vgg", 3, init_seed=0), FP).startswith("tiny_vgg-seed03-init00-e100-")
    assert run_name(RunConfig("tiny_vgg", 3, shuffle="every_epoch"), FP).startswith("tiny_vgg-seed03-reshuffled-e100-")


def test_folder_name_tells_variant_and_seed():
    name = run_name(RunConfig("tiny_vgg_bn", 3, epochs=1, train_subset=2000), FP)
    assert name.startswith("tiny_vgg_bn-seed03-e1-n2000-")


@pytest.fixture(scope="module")
def trained(tiny_data_dir):
    data = load_local(tiny_data_dir)
    config = RunConfig("tiny_vgg", 0, epochs=1, train_subset=300)
    return config, data, train_run(config, data)


def _staged(cache, trained):
    config, data, result = trained
    staging = cache.new_staging(config.variant)
    write_run_files(staging, result, data, datetime.now(UTC))
    return staging


def test_commit_is_whole_and_readable(tmp_path, trained):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    target = cache.commit(_staged(cache, trained), config, data.fingerprint())
    assert target == cache.path_for(config, data.fingerprint())
    record = cache.lookup(config, data.fingerprint())
    assert record.state == "done" and record.config == config
    assert record.metrics["test_accuracy"] == trained[2].metrics["test_accuracy"]
    assert list(record.history().columns)[:3] == ["epoch", "loss", "accuracy"]
    assert not list((cache.root / ".staging").iterdir())


def test_incomplete_staging_is_refused(tmp_path, trained):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    staging = _staged(cache, trained)
    (staging / METRICS_FILE).unlink()
    with pytest.raises(CacheError, match="incomplete run"):
        cache.commit(staging, config, data.fingerprint())
    assert not cache.path_for(config, data.fingerprint()).exists()


@pytest.mark.parametrize("damage", ["bad_json", "missing_history", "no_accuracy"])
def test_corrupt_folder_is_never_a_result(tmp_path, trained, damage):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    target = cache.commit(_staged(cache, trained), config, data.fingerprint())
    if damage == "bad_json":
        (target / METRICS_FILE).write_text("{truncated")
    elif damage == "missing_history":
        (target / "history.csv").unlink()
    else:
        (target / METRICS_FILE).write_text(json.dumps({"test_loss": 1.0}))
    record = read_run(target)
    assert record.state == "corrupt" and record.problem
    assert not cache.is_done(config, data.fingerprint())
    # A fresh run replaces the corrupt folder.
    cache.commit(_staged(cache, trained), config, data.fingerprint())
    assert cache.is_done(config, data.fingerprint())


def test_staging_of_dead_processes_is_cleaned(tmp_path):
    cache = RunCache(tmp_path / "cache")
    mine = cache.new_staging("tiny_vgg")
    dead = cache.root / ".staging" / "tiny_vgg.pid999999999.abc"
    dead.mkdir()
    checkpoints = cache.root / ".checkpoints"
    checkpoints.mkdir()
    kept = checkpoints / "tiny_vgg-seed00-e100-abc.weights.h5"  # a checkpoint to resume from
    half_written = checkpoints / ".tiny_vgg-seed00-e100-abc.pid999999999.weights.h5"
    kept.write_bytes(b"x")
    half_written.write_bytes(b"x")
    assert cache.clean_staging() == 2
    assert mine.exists() and not dead.exists()
    assert kept.exists() and not half_written.exists()
    shutil.rmtree(mine)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_leftovers_of_an_unreaped_process_are_cleaned(tmp_path):
    """A killed writer that nobody has reaped yet (a zombie) still answers kill(pid, 0): it counts as dead."""
    cache = RunCache(tmp_path / "cache")
    zombie = subprocess.Popen(["true"])
    try:
        os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # it has exited; WNOWAIT leaves it unreaped
        checkpoints = cache.root / ".checkpoints"
        checkpoints.mkdir(parents=True)
        half_written = checkpoints / f".tiny_vgg-seed00-e100-abc.pid{zombie.pid}.weights.h5"
        half_written.write_bytes(b"x")
        assert cache.clean_staging() == 1
        assert not half_written.exists()
    finally:
        zombie.wait()


def test_unwritable_cache_names_the_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CacheError, match="--cache DIR or set CNNLAB_CACHE"):
        RunCache(blocker / "cache").ensure_writable()


def test_median_epoch_seconds_ignores_the_first_and_a_stalled_epoch(tmp_path, trained):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    cache.commit(_staged(cache, trained), config, data.fingerprint())
    record = cache.lookup(config, data.fingerprint())
    history = pd.DataFrame({"seconds": [30.0, 5.0, 6.0, 580.0, 5.5]})  # tracing, then one epoch that waited
    assert record.median_epoch_seconds(history) == 5.75
    assert record.median_epoch_seconds() == record.history()["seconds"].iloc[0]  # one epoch: that epoch


RUN_FILES = ("config.json", "metrics.json", "history.csv", "model.weights.h5", "test_predictions.npy", "metadata.json")


@pytest.mark.parametrize("name", [*RUN_FILES, "run.ipynb"])
def test_a_damaged_file_makes_the_run_corrupt_and_redone(tmp_path, trained, name):
    """Truncated: `status` sees it by size. Same size, other bytes: the hash check of sweep and readers sees it."""
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    staging = _staged(cache, trained)
    (staging / "run.ipynb").write_text('{"cells": []}')  # what cnnlab run adds beside the run's own files
    target = cache.commit(staging, config, data.fingerprint())
    file = target / name
    original = file.read_bytes()

    file.write_bytes(original[: len(original) // 2])
    assert read_run(target).state == "corrupt" and name in read_run(target).problem
    assert not cache.is_done(config, data.fingerprint())

    flipped = bytearray(original)
    flipped[len(flipped) // 2] ^= 0xFF
    file.write_bytes(bytes(flipped))
    assert not cache.is_done(config, data.fingerprint())
    if name in ("model.weights.h5", "test_predictions.npy"):
        with pytest.raises(CorruptRunError, match=target.name):
            read_run(target).verified(name)

    file.write_bytes(original)
    assert cache.is_done(config, data.fingerprint())
    cache.commit(_staged(cache, trained), config, data.fingerprint())  # a corrupt folder would be replaced
    assert cache.is_done(config, data.fingerprint())


def test_a_folder_from_before_manifests_is_sealed_when_its_files_load(tmp_path, trained):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    target = cache.commit(_staged(cache, trained), config, data.fingerprint())
    (target / MANIFEST_FILE).unlink()
    assert read_run(target).state == "done" and (target / MANIFEST_FILE).is_file()
    (target / MANIFEST_FILE).unlink()
    weights = target / "model.weights.h5"
    weights.write_bytes(weights.read_bytes()[:1000])
    assert read_run(target).state == "corrupt" and not (target / MANIFEST_FILE).exists()


def test_only_folders_named_like_runs_are_runs(tmp_path, trained):
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    cache.commit(_staged(cache, trained), config, data.fingerprint())
    (cache.root / "notes").mkdir()
    (cache.root / "tiny_vgg-seed00-e1-n300-not-a-key").mkdir()
    assert [r.path.name for r in cache.scan()] == [cache.path_for(config, data.fingerprint()).name]


def test_a_rendering_reads_only_the_runs_finished_when_it_started(tmp_path, trained, monkeypatch):
    """Chapters run one after another while a sweep may add runs: each reads the rendering's snapshot, so the
    conclusions count the same runs as the chapters before them."""
    config, data, _ = trained
    cache = RunCache(tmp_path / "cache")
    first = cache.commit(_staged(cache, trained), config, data.fingerprint())
    (cache.root / "tiny_vgg-seed01-e1-n300-0123456789ab").mkdir()  # unfinished: not in the snapshot
    snapshot = cache.snapshot()
    assert snapshot == first.name
    later = dataclasses.replace(config, seed=1)
    shutil.rmtree(cache.root / "tiny_vgg-seed01-e1-n300-0123456789ab")
    cache.commit(_staged(cache, trained), later, data.fingerprint())  # finished after the rendering started
    monkeypatch.setenv("CNNLAB_CACHE", str(cache.root))
    monkeypatch.setenv("CNNLAB_RUNS_AS_OF", snapshot)
    seen = RunCache.as_rendered()
    assert seen.lookup(later, data.fingerprint()) is None and [r.path.name for r in seen.scan()] == [first.name]
    assert seen.lookup(config, data.fingerprint()).state == "done"
    monkeypatch.delenv("CNNLAB_RUNS_AS_OF")
    assert RunCache.as_rendered().lookup(later, data.fingerprint()) is not None  # outside a rendering: every run
