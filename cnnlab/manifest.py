"""A run folder's manifest: each file's size and SHA-256, recorded when the run is committed.

``cnnlab status`` compares sizes (cheap); ``sweep`` and whatever reads weights or predictions compare
hashes, so that a damaged file is never taken for a result. Folders made before manifests existed get
one the first time they are read, if their weights and predictions load.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

MANIFEST_FILE = "manifest.json"


def _read_json(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text())
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def write_manifest(folder: Path) -> None:
    """Record the size and SHA-256 of every file of a run folder in its manifest (written last, atomically)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name[0] != "." and p.name != MANIFEST_FILE)
    manifest = {p.name: {"bytes": p.stat().st_size, "sha256": sha256(p)} for p in files}
    tmp = folder / f".{MANIFEST_FILE}.pid{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, folder / MANIFEST_FILE)


def manifest_problem(path: Path, hashes: bool, required: tuple[str, ...] = ()) -> str:
    """What differs from the manifest ("" when nothing): sizes always, contents when ``hashes``."""
    try:
        manifest = _read_json(path / MANIFEST_FILE)
    except (OSError, ValueError) as exc:
        return f"unreadable manifest ({type(exc).__name__})"
    for name in required:
        if name not in manifest:
            return f"manifest lacks {name}"
    for name, entry in manifest.items():
        file = path / name
        if not file.is_file():
            return f"missing {name}"
        if file.stat().st_size != entry.get("bytes"):
            return f"{name} has {file.stat().st_size:,} bytes, the manifest {entry.get('bytes'):,}"
        if hashes and sha256(file) != entry.get("sha256"):
            return f"{name} differs from its SHA-256 in the manifest"
    return ""


def seal_legacy(path: Path) -> str:
    """Give a run folder made before manifests existed its manifest, if its files load; returns a problem."""
    try:
        import h5py
        import numpy as np

        for name in (p for p in path.iterdir() if p.suffix == ".h5"):
            with h5py.File(name, "r") as weights:
                weights.visit(lambda _: None)
        for name in (p for p in path.iterdir() if p.suffix == ".npy"):
            np.load(name)
        write_manifest(path)
    except PermissionError:
        return ""  # a read-only cache: checked, but cannot be sealed
    except Exception as exc:  # whatever a damaged file raises
        return f"unreadable {type(exc).__name__}: {exc}"
    return ""


def file_matches(folder: Path, name: str) -> bool:
    """True when ``folder/name`` has the SHA-256 its manifest recorded."""
    try:
        expected = _read_json(folder / MANIFEST_FILE).get(name, {}).get("sha256")
        return expected is not None and sha256(folder / name) == expected
    except (OSError, ValueError):
        return False
