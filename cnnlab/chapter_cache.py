"""Executed chapters kept between renders, so that a second ``cnnlab render`` with nothing changed is quick.

A chapter's output (its markdown and figures) is stored under ``<out>/.chapters/<stem>/`` with the key it
was made under. The key hashes everything the output can depend on: the chapter's source, the ``cnnlab``
package's source, the installed versions of the libraries that draw and compute, the chapters' settings
(cache, data, spec, weights; passed as environment values) and the state of the run cache: each run
folder's manifest (sizes and SHA-256 of its files) and every derived result. A run that lands, a derived
result that is added or a line of code that changes makes every chapter run again; in-progress work
(staging folders, checkpoints) does not.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from importlib import metadata
from pathlib import Path

from cnnlab.cache import RUN_NAME
from cnnlab.derived import DERIVED

PACKAGE = Path(__file__).resolve().parent
STORE = ".chapters"
VERSIONED = ("numpy", "pandas", "matplotlib", "scipy", "tensorflow", "keras", "jupytext", "nbclient")


def _versions() -> list[str]:
    found = []
    for name in VERSIONED:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return found


def cache_state(root: Path) -> str:
    """A hash of the finished runs and derived results under a run cache ``root``."""
    digest = hashlib.sha256()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and RUN_NAME.fullmatch(p.name)):
            digest.update(folder.name.encode())
            manifest = folder / "manifest.json"
            if manifest.is_file():
                digest.update(manifest.read_bytes())
            else:  # a folder from before manifests: its files' names and sizes
                for file in sorted(folder.iterdir()):
                    digest.update(f"{file.name}:{file.stat().st_size}".encode())
        derived = root / DERIVED
        for file in sorted(derived.rglob("*")) if derived.is_dir() else []:
            if file.is_file():
                digest.update(str(file.relative_to(derived)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def context_key(settings: dict[str, str], cache_root: Path, extra: str = "") -> str:
    """What every chapter shares: package source, library versions, settings and the cache's state."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE.rglob("*")):
        if source.is_file() and source.suffix in {".py", ".typ", ".lua", ".css"}:
            digest.update(str(source.relative_to(PACKAGE)).encode())
            digest.update(source.read_bytes())
    parts = [sys.version, *_versions(), json.dumps(settings, sort_keys=True), cache_state(cache_root), extra]
    digest.update("\n".join(parts).encode())
    return digest.hexdigest()


def chapter_key(chapter: Path, context: str) -> str:
    """The key of one chapter's output: its own source on top of the shared context."""
    return hashlib.sha256(context.encode() + chapter.read_bytes()).hexdigest()


def load(out_dir: Path, chapter: Path, key: str, figures_dir: Path) -> tuple[str, list[Path]] | None:
    """The stored markdown and figures of ``chapter`` if stored under ``key`` (figures copied back)."""
    store = out_dir / STORE / chapter.stem
    try:
        entry = json.loads((store / "entry.json").read_text())
    except (OSError, ValueError):
        return None
    if entry.get("key") != key or not all((store / name).is_file() for name in entry["figures"]):
        return None
    figures = []
    for name in entry["figures"]:
        figures.append(Path(shutil.copy2(store / name, figures_dir / name)))
    return entry["markdown"], figures


def store(out_dir: Path, chapter: Path, key: str, markdown: str, figures: list[Path]) -> None:
    """Keep a chapter's output under ``key``, replacing what was stored for it before."""
    folder = out_dir / STORE / chapter.stem
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for figure in figures:
        shutil.copy2(figure, folder / figure.name)
    entry = {"key": key, "markdown": markdown, "figures": [f.name for f in figures]}
    (folder / "entry.json").write_text(json.dumps(entry))
