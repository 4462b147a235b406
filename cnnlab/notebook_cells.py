"""What report/run.ipynb calls: check its parameters, train one run, and put it in the cache.

The notebook runs in two ways. ``cnnlab run``/``sweep`` pass ``staging_dir``: the notebook writes
the run there and the caller adds the executed notebook and renames the folder into the cache.
A bare ``papermill report/run.ipynb out.ipynb -p variant ...`` leaves ``staging_dir`` empty: the
notebook stages and commits the run itself (the executed notebook is then wherever papermill wrote it).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from cnnlab.cache import RunCache
from cnnlab.config import RunConfig, config_fields
from cnnlab.errors import ConfigError
from cnnlab.progress import PROGRESS_FILE

# Parameters that say where things are or how fast to go: not part of what a run computes.
PLACE_PARAMETERS = ("data_dir", "cache_dir", "staging_dir")
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


@dataclass(frozen=True)
class Places:
    """Where the notebook reads data and writes the run (empty: the defaults)."""

    data_dir: str = ""
    cache_dir: str = ""
    staging_dir: str = ""


def parameters_from_namespace(namespace: dict[str, Any]) -> tuple[RunConfig, Places]:
    """Turn the notebook's parameter variables into a RunConfig; unknown names are errors.

    Papermill only warns about a parameter the notebook does not declare and defines it anyway,
    so a typo (``-p sed 3``) would silently run seed 0; here every user variable must be known.
    """
    names = {
        k
        for k, v in namespace.items()
        if not k.startswith("_") and k not in _IPYTHON_NAMES and not isinstance(v, ModuleType) and not callable(v)
    }
    known = set(config_fields()) | set(PLACE_PARAMETERS)
    unknown = sorted(names - known)
    if unknown:
        raise ConfigError(f"unknown notebook parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    missing = sorted(known - names)
    if missing:
        raise ConfigError(f"the parameters cell lacks: {', '.join(missing)}")
    config = RunConfig.from_dict({k: namespace[k] for k in config_fields()})
    return config, Places(*(str(namespace[k] or "") for k in PLACE_PARAMETERS))


def train_into_cache(config: RunConfig, places: Places) -> tuple[Any, Path]:
    """Train ``config`` and write the run: into ``staging_dir`` when given, else straight into the cache.

    Returns the result and the run's folder in the cache (where cnnlab moves a staged run once
    the notebook has finished).
    """
    from cnnlab.data import load_cifar10
    from cnnlab.determinism import configure_threads

    configure_threads(config.threads)  # before TensorFlow's first operation in this kernel
    started = datetime.now(UTC)
    data = load_cifar10(places.data_dir or None)
    cache = RunCache(places.cache_dir or None)
    staging = Path(places.staging_dir) if places.staging_dir else cache.new_staging("notebook")
    try:
        result = _train_into(staging, config, data, cache, started, places)
    except BaseException:
        if not places.staging_dir:  # our own staging folder: nothing half-made stays (the checkpoint does)
            shutil.rmtree(staging, ignore_errors=True)
        raise
    if places.staging_dir:
        return result, cache.path_for(config, data.fingerprint())
    return result, cache.commit(staging, config, data.fingerprint())


def _train_into(staging: Path, config: RunConfig, data: Any, cache: RunCache, started: datetime, places: Places) -> Any:
    """Train ``config`` and write its files into ``staging``."""
    from cnnlab.record import write_run_files
    from cnnlab.train import train_run

    result = train_run(
        config,
        data,
        progress_file=staging / PROGRESS_FILE,
        checkpoint_path=cache.checkpoint_path(config, data.fingerprint()),
    )
    write_run_files(
        staging,
        result,
        data,
        started,
        extra={
            "threads": config.threads,
            "notebook_executed_by": "cnnlab" if places.staging_dir else "papermill",
        },
    )
    (staging / PROGRESS_FILE).unlink(missing_ok=True)
    return result
