"""Results derived from a cached run's saved weights, cached per run beside the run folders.

An analysis that runs inference on a run's weights (the JPEG experiment, BatchNorm's two modes)
costs seconds per run; the report reads it many times. Its result is stored as JSON in
``<cache root>/.derived/<analysis>-v<version>/<run folder name>.json``. The run folder's name ends
with the run's cache key (configuration, protocol version, data fingerprint), so a result is found
only for the run it was computed from; bumping an analysis's version recomputes it for every run.
Files are written to a temporary name and renamed into place; one that cannot be read, or that
names another analysis or run, is computed again.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from cnnlab.cache import RunRecord

DERIVED = ".derived"
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def derived_path(record: RunRecord, analysis: str, version: int) -> Path:
    """Where the result of ``analysis`` (at ``version``) for the run ``record`` is stored."""
    if not _NAME.fullmatch(analysis):
        raise ValueError(f"an analysis name is lower-case letters, digits and underscores, got {analysis!r}")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"an analysis version is an integer >= 1, got {version!r}")
    return record.path.parent / DERIVED / f"{analysis}-v{version}" / f"{record.path.name}.json"


def _read(path: Path, analysis: str, version: int, run: str) -> dict[str, Any] | None:
    """The stored result, or None when the file is absent, damaged or about something else."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("result"), dict):
        return None
    if (stored.get("analysis"), stored.get("version"), stored.get("run")) != (analysis, version, run):
        return None
    return stored["result"]


def _write(path: Path, payload: dict[str, Any]) -> None:
    """Write JSON to a temporary file in the same folder and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.pid{os.getpid()}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(payload, out, indent=1, sort_keys=True)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; results are for everyone to read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cached_result(
    record: RunRecord, analysis: str, version: int, compute: Callable[[RunRecord], dict[str, Any]]
) -> dict[str, Any]:
    """The result of ``compute(record)``: read from the derived cache, or computed and stored there.

    ``compute`` returns a JSON-able dict. The file also records when and how long the computation
    took, so that the report can say what a cold rendering costs.
    """
    if record.state != "done":
        raise ValueError(f"{record.path.name} is not a finished run: {record.problem}")
    path = derived_path(record, analysis, version)
    stored = _read(path, analysis, version, record.path.name)
    if stored is not None:
        return stored
    started = time.perf_counter()
    result = compute(record)
    payload = {
        "analysis": analysis,
        "version": version,
        "run": record.path.name,
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "result": result,
    }
    _write(path, payload)
    return json.loads(json.dumps(result))  # what a later call reads back: lists, not tuples or arrays


def derived_table(
    runs: dict[str, list[RunRecord]], analysis: str, version: int, compute: Callable[[RunRecord], dict[str, Any]]
) -> pd.DataFrame:
    """One row per run (variant, seed, then the result's fields), computing only what is not cached.

    ``runs`` maps each variant to its records, as ``cnnlab.results.Results.runs`` does.
    """
    rows = [
        {"variant": variant, "seed": record.config.seed, **cached_result(record, analysis, version, compute)}
        for variant, records in runs.items()
        for record in records
    ]
    return pd.DataFrame(rows)
