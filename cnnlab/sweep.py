"""Run every missing (variant, seed) through the run notebook, several processes at a time.

Each run is a child process (``python -m cnnlab.notebook_runner``) that executes report/run.ipynb with
papermill into a staging folder and renames it into the cache, so a kill at any moment leaves
no partial run folder and rerunning the same command finishes the rest. One progress bar counts
epochs across all runs (the children report theirs through a progress file), so its ETA is honest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tqdm.auto import tqdm

from cnnlab.cache import RunCache
from cnnlab.checkpoint import saved_epochs
from cnnlab.config import RunConfig
from cnnlab.progress import read_progress


def bar_interval() -> float:
    """Seconds between progress-bar redraws: live on a terminal, once a minute into a log file."""
    return 0.1 if sys.stderr.isatty() else 60.0


def default_workers() -> int:
    """One worker per available core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def plan_runs(variants: Sequence[str], seeds: Sequence[int], **overrides: object) -> list[RunConfig]:
    """All (variant, seed) configurations, seed-major: every variant's seed 0, then seed 1, ..."""
    return [RunConfig(variant=v, seed=s, **overrides) for s in seeds for v in variants]  # type: ignore[arg-type]


def missing_runs(configs: Iterable[RunConfig], cache: RunCache, fingerprint: str) -> list[RunConfig]:
    """The configurations with no complete run in the cache (corrupt folders count as missing)."""
    return [c for c in configs if not cache.is_done(c, fingerprint)]


@dataclass
class SweepReport:
    """What a sweep did: finished runs, failed runs with their messages, and runs already cached."""

    done: list[RunConfig] = field(default_factory=list)
    failed: list[tuple[RunConfig, str]] = field(default_factory=list)
    skipped: int = 0


@dataclass
class _Child:
    config: RunConfig
    process: subprocess.Popen
    staging: Path
    log: IO[str]
    epochs_seen: int = 0


def _describe(configs: Sequence[RunConfig], finished: int) -> str:
    if len(configs) == 1:
        return f"{configs[0].variant} seed {configs[0].seed}"
    return f"sweep {finished}/{len(configs)} runs"


def run_local(
    configs: Sequence[RunConfig],
    cache: RunCache,
    data_dir: str,
    fingerprint: str,
    workers: int,
    poll_s: float = 1.0,
    progress: bool = True,
    force: bool = False,
) -> SweepReport:
    """Execute ``configs`` (all missing) with up to ``workers`` child processes; one epoch-counting bar."""
    report = SweepReport()
    queue = list(configs)
    children: list[_Child] = []
    # Runs resuming from a checkpoint have those epochs behind them already.
    resumed = [0 if force else saved_epochs(cache, c, fingerprint) for c in configs]
    bar = tqdm(
        total=sum(c.epochs for c in configs),
        initial=sum(resumed),
        unit="epoch",
        disable=not progress,
        dynamic_ncols=True,
        desc=_describe(configs, 0),
        file=sys.stderr,
        mininterval=bar_interval(),
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        while queue or children:
            while queue and len(children) < workers:
                config, done = queue.pop(0), resumed.pop(0)
                staging = cache.new_staging(config.variant)
                command = [
                    sys.executable,
                    "-m",
                    "cnnlab.notebook_runner",
                    "--config",
                    json.dumps(config.to_dict()),
                    "--cache",
                    str(cache.root),
                    "--data",
                    data_dir,
                    "--fingerprint",
                    fingerprint,
                    "--staging",
                    str(staging),
                ]
                if force:
                    command.append("--force")
                # stderr goes to a file, not a pipe: a chatty child can never block on a full pipe.
                log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed when the child ends
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True)
                children.append(_Child(config, process, staging, log, epochs_seen=done))
            time.sleep(poll_s)
            for child in list(children):
                seen = read_progress(child.staging)
                if child.process.poll() is None:
                    bar.update(max(0, seen - child.epochs_seen))
                    child.epochs_seen = max(seen, child.epochs_seen)
                    continue
                children.remove(child)
                bar.update(child.config.epochs - child.epochs_seen)
                if child.process.returncode == 0 and cache.is_done(child.config, fingerprint):
                    report.done.append(child.config)
                else:
                    child.log.seek(0)
                    message = child.log.read().strip()
                    report.failed.append(
                        (
                            child.config,
                            message.splitlines()[-1] if message else f"exit status {child.process.returncode}",
                        )
                    )
                    tqdm.write(
                        f"failed: {child.config.variant} seed {child.config.seed}: {report.failed[-1][1]}",
                        file=sys.stderr,
                    )
                child.log.close()
                bar.set_description(_describe(configs, len(report.done) + len(report.failed)))
    except KeyboardInterrupt:
        for child in children:
            child.process.terminate()
        for child in children:
            try:
                child.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.process.kill()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        bar.close()
    return report
