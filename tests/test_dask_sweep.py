"""The sweep on a Dask cluster, on loopback only: same results as local runs, lost workers, mismatches."""

import json
import os
import signal
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from cnnlab.cache import RunCache
from cnnlab.config import RunConfig
from cnnlab.dask_sweep import check_workers, run_task, unpack_into_cache
from cnnlab.data import load_local
from cnnlab.errors import WorkerMismatchError
from tests.conftest import cli

ARGS = ("--variants", "tiny_vgg", "--seeds", "0-1", "--epochs", "1", "--train-subset", "1000")


@pytest.fixture(scope="module")
def cluster():
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        Client(c) as client,
    ):
        yield client


def _metrics(cache: Path) -> dict[str, dict]:
    return {
        row["folder"]: (row["test_accuracy"], row["test_loss"])
        for row in json.loads(cli("status", "--json", "--cache", str(cache)).stdout)
    }


def test_local_cluster_runs_equal_local_runs(env, tmp_path):
    dask_cache, local_cache = tmp_path / "dask", tmp_path / "local"
    done = cli("sweep", *ARGS, "--scheduler", "local:2", "--cache", str(dask_cache), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 runs finished, 0 failed" in done.stderr
    assert cli("sweep", *ARGS, "--cache", str(local_cache), env=env).returncode == 0
    dask_metrics = _metrics(dask_cache)
    assert len(dask_metrics) == 2 and dask_metrics == _metrics(local_cache)
    assert not list((dask_cache / ".staging").iterdir())
    again = cli("sweep", *ARGS, "--scheduler", "local:2", "--cache", str(dask_cache), env=env)
    assert "2 already cached, 0 to do" in again.stderr


def test_a_killed_worker_still_gives_one_complete_run(cluster, tiny_data_dir, tmp_path):
    fingerprint = load_local(tiny_data_dir).fingerprint()
    config = RunConfig("tiny_vgg", 7, epochs=25, train_subset=600)
    future = cluster.submit(run_task, config.to_dict(), str(tiny_data_dir), fingerprint, pure=False)
    deadline = time.time() + 120
    worker = None
    while worker is None and time.time() < deadline:
        worker = next((w for w, keys in cluster.processing().items() if future.key in keys), None)
        time.sleep(0.2)
    assert worker is not None, "the task never started"
    time.sleep(6)  # well inside the run: the kernel has started and is training
    os.kill(cluster.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)
    payload = future.result(timeout=400)  # Dask reruns the task on a live worker
    cache = RunCache(tmp_path / "cache")
    unpack_into_cache(payload, cache, config, fingerprint)
    runs = [p for p in cache.root.iterdir() if not p.name.startswith(".")]
    assert len(runs) == 1 and cache.is_done(config, fingerprint)


def test_version_or_data_mismatch_names_the_worker(cluster, tiny_data_dir):
    fingerprint = load_local(tiny_data_dir).fingerprint()
    assert check_workers(cluster, str(tiny_data_dir), fingerprint) == len(cluster.scheduler_info()["workers"])
    with pytest.raises(WorkerMismatchError, match=r"tcp://127\.0\.0\.1:\d+ runs cnnlab 0\.1\.0, the client 9\.9"):
        check_workers(cluster, str(tiny_data_dir), fingerprint, version="9.9")
    with pytest.raises(WorkerMismatchError, match="has data"):
        check_workers(cluster, str(tiny_data_dir), "another-fingerprint")


def test_bad_scheduler_is_one_line(env):
    result = cli("sweep", *ARGS, "--scheduler", "local:zero", env=env)
    assert result.returncode == 2 and "--scheduler is 'local:zero'" in result.stderr
