"""Writing one finished run's files (config, metrics, history, weights, predictions, metadata)."""

from __future__ import annotations

import json
import platform
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cnnlab import __version__
from cnnlab.cache import (
    CONFIG_FILE,
    HISTORY_COLUMNS,
    HISTORY_FILE,
    METADATA_FILE,
    METRICS_FILE,
    PREDICTIONS_FILE,
    WEIGHTS_FILE,
    run_key,
)
from cnnlab.config import PROTOCOL_VERSION

if TYPE_CHECKING:
    from cnnlab.data import Cifar10
    from cnnlab.train import RunResult


def git_commit() -> str | None:
    """The commit of the cnnlab checkout, if it is one (with "+dirty" for uncommitted changes)."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "cnnlab", "report"],
            cwd=here.parent,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def library_versions() -> dict[str, str]:
    """Versions of the libraries that decide what a run computes."""
    import keras
    import pandas
    import tensorflow

    return {
        "python": platform.python_version(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "cnnlab": __version__,
    }


def _dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")


def write_run_files(
    folder: Path, result: RunResult, data: Cifar10, started: datetime, extra: dict[str, Any] | None = None
) -> None:
    """Write everything but the executed notebook into ``folder`` (a staging folder)."""
    fingerprint = data.fingerprint()
    finished = datetime.now(UTC)
    # A resumed run's earlier parts count with the seconds of the epochs they trained.
    earlier = float(result.history["seconds"].iloc[: result.resumed_at[-1]].sum()) if result.resumed_at else 0.0
    _dump(
        folder / CONFIG_FILE,
        {
            "config": result.config.to_dict(),
            "key": run_key(result.config, fingerprint),
            "protocol_version": PROTOCOL_VERSION,
            "data_fingerprint": fingerprint,
        },
    )
    _dump(folder / METRICS_FILE, result.metrics)
    history = result.history[list(HISTORY_COLUMNS)]
    history.to_csv(folder / HISTORY_FILE, index=False, float_format="%.6g")
    result.model.save_weights(folder / WEIGHTS_FILE)
    np.save(folder / PREDICTIONS_FILE, result.predictions)
    metadata = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": round((finished - started).total_seconds() + earlier, 1),
        "versions": library_versions(),
        "git_commit": git_commit(),
        "host": socket.gethostname(),
        "cpu": platform.processor() or platform.machine(),
        "argv0": Path(sys.argv[0]).name,
        "data_source": data.source,
        "data_fingerprint": fingerprint,
        "resumed_at_epochs": result.resumed_at,
        **(extra or {}),
    }
    _dump(folder / METADATA_FILE, metadata)
