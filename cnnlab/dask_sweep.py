"""`cnnlab sweep --scheduler`: the same sweep on a Dask distributed cluster.

Each missing (variant, seed) is one task. On its worker the task executes the run notebook into a
private temporary cache, packs the finished run folder into bytes and returns it; the client
unpacks it into its own cache's staging area and renames it into place, exactly as a local run.
So workers need no shared filesystem, only the data (``CNNLAB_DATA`` on each worker) and the same
cnnlab version, which is checked before any task is sent. Dask reruns a task whose worker dies;
the client commits each run once; Ctrl-C cancels what is left and leaves nothing partial.
"""

from __future__ import annotations

import io
import re
import sys
import tarfile
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cnnlab import __version__
from cnnlab.cache import RunCache, run_name
from cnnlab.config import RunConfig
from cnnlab.errors import CnnlabError, ConfigError, DaskError, WorkerMismatchError
from cnnlab.progress import read_progress
from cnnlab.sweep import SweepReport, bar_interval

PROGRESS_TOPIC = "cnnlab-epochs"


def worker_identity(data_dir: str) -> dict[str, str]:
    """Runs on a worker: its cnnlab version and the fingerprint of the data it would train on."""
    from cnnlab.data import load_cifar10

    try:
        fingerprint = load_cifar10(data_dir or None).fingerprint()
    except CnnlabError as exc:
        fingerprint = f"unavailable ({exc})"
    return {"version": __version__, "fingerprint": fingerprint}


def check_workers(client: Any, data_dir: str, fingerprint: str, version: str = __version__) -> int:
    """Raise ``WorkerMismatchError`` naming every worker whose version or data differs; returns the worker count."""
    identities = client.run(worker_identity, data_dir)
    if not identities:
        raise DaskError("the Dask cluster has no workers: start some with `dask worker tcp://HOST:8786`")
    problems = []
    for address, identity in sorted(identities.items()):
        if identity["version"] != version:
            problems.append(f"{address} runs cnnlab {identity['version']}, the client {version}")
        if identity["fingerprint"] != fingerprint:
            problems.append(f"{address} has data {identity['fingerprint']}, the client {fingerprint}")
    if problems:
        raise WorkerMismatchError(
            "Dask workers differ from this client: "
            + "; ".join(problems)
            + " (install the same cnnlab and set CNNLAB_DATA on each worker)"
        )
    return len(identities)


def _report_epochs(worker: Any, staging: Path, name: str, done: threading.Event) -> None:
    """Worker-side thread: publish the run's finished epochs as Dask events, for the client's bar."""
    seen = 0
    while not done.wait(2.0):
        epoch = read_progress(staging)
        if epoch > seen:
            # Hand the event to the worker's own event loop: this thread is not the task's.
            worker.loop.add_callback(worker.log_event, PROGRESS_TOPIC, {"run": name, "epochs": epoch - seen})
            seen = epoch


def run_task(config_values: dict[str, Any], data_dir: str, fingerprint: str) -> bytes:
    """Runs on a worker: one run into a temporary cache there, returned as a gzipped tar of its folder."""
    from distributed import get_worker

    from cnnlab.notebook_runner import execute_run

    config = RunConfig.from_dict(config_values)
    with tempfile.TemporaryDirectory(prefix="cnnlab-task-") as tmp:
        cache = RunCache(tmp)
        staging = cache.new_staging(config.variant)
        done = threading.Event()
        reporter = threading.Thread(
            target=_report_epochs, daemon=True, args=(get_worker(), staging, run_name(config, fingerprint), done)
        )
        reporter.start()
        try:
            folder = execute_run(config, cache, data_dir, fingerprint, staging=staging)
        finally:
            done.set()
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            archive.add(folder, arcname=folder.name)
        return buffer.getvalue()


def unpack_into_cache(payload: bytes, cache: RunCache, config: RunConfig, fingerprint: str) -> Path:
    """Unpack a returned run into the cache's staging area and rename it into place (whole or absent)."""
    staging = cache.new_staging(config.variant)
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
        archive.extractall(staging, filter="data")
    inner = staging / run_name(config, fingerprint)
    if not inner.is_dir():
        raise DaskError(f"the worker returned a run for other data or settings than {inner.name}")
    target = cache.commit(inner, config, fingerprint)
    staging.rmdir()
    return target


SCHEDULER_ENV = "CNNLAB_SCHEDULER"
ADDRESS = re.compile(r"(tcp|tls)://[^/:\s]+:\d+|local:[1-9]\d*")


def check_scheduler(address: str, named_by: str = "--scheduler") -> None:
    """Raise ``ConfigError`` naming ``named_by`` unless ``address`` is tcp://HOST:PORT, tls://HOST:PORT or local:N."""
    if not ADDRESS.fullmatch(address):
        raise ConfigError(
            f"{named_by} is {address!r}: use tcp://HOST:PORT (a scheduler's port, 8786 by default) "
            "or local:N for a local cluster of N worker processes"
        )


def connect(scheduler: str, named_by: str = "--scheduler") -> tuple[Any, Any]:
    """A Dask client for ``tcp://HOST:PORT``, or for a new ``LocalCluster`` with ``local:N`` worker processes."""
    from distributed import Client, LocalCluster

    check_scheduler(scheduler, named_by)
    if scheduler.startswith("local:"):
        n = int(scheduler.split(":", 1)[1])
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, ValueError, TypeError) as exc:  # unreachable, timed out, or refused by the address parser
        raise DaskError(
            f"cannot reach the Dask scheduler at {scheduler} ({named_by}; {type(exc).__name__}: {exc}); "
            "start one with `dask scheduler` or use --scheduler local:N"
        ) from exc


def run_dask(
    configs: Sequence[RunConfig],
    cache: RunCache,
    data_dir: str,
    fingerprint: str,
    scheduler: str,
    named_by: str = "--scheduler",
    progress: bool = True,
) -> SweepReport:
    """Execute ``configs`` as Dask tasks and commit each returned run into ``cache``."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    report = SweepReport()
    client, cluster = connect(scheduler, named_by)
    # A local cluster shares this machine, so it reads the same data folder; remote workers use their own.
    task_data = data_dir if cluster is not None else ""
    futures = {}
    try:
        workers = check_workers(client, task_data, fingerprint)
        for config in configs:
            key = f"cnnlab-{run_name(config, fingerprint)}"
            future = client.submit(run_task, config.to_dict(), task_data, fingerprint, key=key, pure=False, retries=1)
            futures[future] = config
        bar = tqdm(
            total=sum(c.epochs for c in configs),
            unit="epoch",
            disable=not progress,
            file=sys.stderr,
            desc=f"dask sweep 0/{len(configs)} runs ({workers} workers)",
            dynamic_ncols=True,
            mininterval=bar_interval(),
        )
        counted: dict[str, int] = {}  # epochs already shown per run, from the workers' events
        limits = {run_name(c, fingerprint): c.epochs for c in configs}

        def on_epochs(event: tuple[float, dict[str, Any]]) -> None:
            run, epochs = event[1]["run"], event[1]["epochs"]
            # A task rerun after a lost worker reports its epochs again: never count past the run's total.
            add = max(0, min(epochs, limits.get(run, 0) - counted.get(run, 0)))
            counted[run] = counted.get(run, 0) + add
            bar.update(add)

        client.subscribe_topic(PROGRESS_TOPIC, on_epochs)
        with bar:
            for future in as_completed(futures):
                config = futures[future]
                name = run_name(config, fingerprint)
                try:
                    unpack_into_cache(future.result(), cache, config, fingerprint)
                    report.done.append(config)
                except Exception as exc:
                    report.failed.append((config, f"{type(exc).__name__}: {exc}".splitlines()[0]))
                    tqdm.write(f"failed: {config.variant} seed {config.seed}: {report.failed[-1][1]}", file=sys.stderr)
                # The rest of the run's epochs (all of them if its events were lost with a worker).
                bar.update(max(0, config.epochs - counted.get(name, 0)))
                counted[name] = config.epochs
                bar.set_description(
                    f"dask sweep {len(report.done) + len(report.failed)}/{len(configs)} runs ({workers} workers)"
                )
    except KeyboardInterrupt:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return report
