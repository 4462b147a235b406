"""A run's progress file: the epochs it has finished, for the progress bars of sweeps (local and Dask)."""

from __future__ import annotations

import json
import os
from pathlib import Path

PROGRESS_FILE = "progress.json"  # in the run's staging folder


def write_progress(path: str | os.PathLike[str], done: int, total: int) -> None:
    """Record that ``done`` of ``total`` epochs are finished (replacing the file atomically)."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"epoch": done, "epochs": total}))
    os.replace(tmp, path)


def read_progress(staging: str | os.PathLike[str]) -> int:
    """The epochs a run in ``staging`` has finished; 0 when it has not written its progress yet."""
    try:
        return int(json.loads((Path(staging) / PROGRESS_FILE).read_text())["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
