"""The run cache: one folder per finished run, keyed by what the run computes, written atomically.

A folder is named ``<variant>-seed<NN>-e<epochs>[-n<subset>]-<key>`` so that a person finds a run
by variant and seed, and the key (a hash of the configuration, the protocol version and the
data fingerprint) tells apart runs that compute different things. Runs are assembled in
``<root>/.staging/`` and renamed into place with ``os.replace``: a folder is whole or absent. A run in
progress keeps its latest epoch in ``<root>/.checkpoints/`` (``cnnlab.checkpoint``), so that an
interrupted run resumes there; the checkpoint is deleted once the run is cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cnnlab.config import PROTOCOL_VERSION, RunConfig
from cnnlab.errors import CacheError, CorruptRunError
from cnnlab.manifest import MANIFEST_FILE, file_matches, manifest_problem, seal_legacy, write_manifest

CACHE_ENV = "CNNLAB_CACHE"
SNAPSHOT_ENV = "CNNLAB_RUNS_AS_OF"  # the run folders a rendering's chapters read (RunCache.as_rendered)
STAGING = ".staging"
CHECKPOINTS = ".checkpoints"
CONFIG_FILE, METRICS_FILE, HISTORY_FILE = "config.json", "metrics.json", "history.csv"
WEIGHTS_FILE, PREDICTIONS_FILE, METADATA_FILE = "model.weights.h5", "test_predictions.npy", "metadata.json"
NOTEBOOK_FILE = "run.ipynb"
REQUIRED_FILES = (CONFIG_FILE, METRICS_FILE, HISTORY_FILE, WEIGHTS_FILE, PREDICTIONS_FILE, METADATA_FILE)
# A run folder's name: variant, seed, what sets it apart, epochs, subset, threads, key. Other folders are not runs.
RUN_NAME = re.compile(r"[a-z0-9_]+-seed\d+(-init\d+)?(-order\d+)?(-reshuffled)?-e\d+(-n\d+)?(-t\d+)?-[0-9a-f]{12}")
HISTORY_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "seconds")


def default_root() -> Path:
    """The cache root: ``$CNNLAB_CACHE`` or ``./cache``."""
    return Path(os.environ.get(CACHE_ENV) or "cache")


def run_key(config: RunConfig, data_fingerprint: str) -> str:
    """Hash of the canonical JSON of the semantic fields, the protocol version and the data fingerprint."""
    payload = {"protocol": PROTOCOL_VERSION, "data": data_fingerprint, "config": config.key_fields()}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def run_name(config: RunConfig, data_fingerprint: str) -> str:
    """The folder name of a run: readable by variant and seed (and what else sets it apart), unique by key."""
    parts = [config.variant, f"seed{config.seed:02d}"]
    if config.init_seed != config.seed:
        parts.append(f"init{config.init_seed:02d}")
    if config.order_seed != config.seed:
        parts.append(f"order{config.order_seed:02d}")
    if config.shuffle != "keras":
        parts.append("reshuffled")
    parts.append(f"e{config.epochs}")
    if config.train_subset:
        parts.append(f"n{config.train_subset}")
    if config.threads != 1:
        parts.append(f"t{config.threads}")
    return "-".join([*parts, run_key(config, data_fingerprint)])


@dataclass
class RunRecord:
    """A run folder found in the cache: ``state`` is "done" or "corrupt" (with the reason)."""

    path: Path
    state: str
    config: RunConfig | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    problem: str = ""

    def verified(self, name: str) -> Path:
        """The path of one of the run's files after checking it against the manifest's SHA-256.

        Raises ``CorruptRunError`` naming the run when the file differs from what was committed.
        """
        path = self.path / name
        if not file_matches(self.path, name):
            raise CorruptRunError(
                f"{self.path.name}: {name} differs from the run's manifest (damaged); "
                "`cnnlab status` lists it and `cnnlab sweep` with its settings redoes it"
            )
        return path

    def history(self) -> pd.DataFrame:
        """The per-epoch history of a done run."""
        return pd.read_csv(self.path / HISTORY_FILE)

    def median_epoch_seconds(self, history: pd.DataFrame | None = None) -> float:
        """The median wall-clock seconds of an epoch after the first (which also traces the graphs).

        A median, unlike metrics.json's mean, is not moved by one epoch that waited while the
        machine did something else. Pass ``history`` when it is already read.
        """
        seconds = (self.history() if history is None else history)["seconds"]
        return float(seconds.iloc[1:].median() if len(seconds) > 1 else seconds.iloc[0])


def _read_json(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text())
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def read_run(path: Path, check_name: bool = True, hashes: bool = False) -> RunRecord:
    """Read and check one run folder; any missing, unreadable or damaged file makes it "corrupt", never a result.

    Files are checked against the run's manifest: their sizes always, their SHA-256 when ``hashes``.
    """
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        return RunRecord(path, "corrupt", problem=f"missing {', '.join(missing)}")
    damage = manifest_problem(path, hashes, REQUIRED_FILES) if (path / MANIFEST_FILE).exists() else seal_legacy(path)
    if damage:
        return RunRecord(path, "corrupt", problem=damage)
    try:
        stored = _read_json(path / CONFIG_FILE)
        config = RunConfig.from_dict(stored["config"])
        metrics = _read_json(path / METRICS_FILE)
        metadata = _read_json(path / METADATA_FILE)
        float(metrics["test_accuracy"]), float(metrics["test_loss"])
        columns = pd.read_csv(path / HISTORY_FILE, nrows=1).columns
    except Exception as exc:
        return RunRecord(path, "corrupt", problem=f"unreadable ({type(exc).__name__}: {exc})")
    lacking = [c for c in HISTORY_COLUMNS if c not in columns]
    if lacking:
        return RunRecord(path, "corrupt", config, problem=f"history lacks {', '.join(lacking)}")
    if check_name and path.name != run_name(config, stored.get("data_fingerprint", "")):
        return RunRecord(path, "corrupt", config, problem="folder name does not match its config and key")
    return RunRecord(path, "done", config, metrics, metadata)


class RunCache:
    """The cache folder: find, read, scan and atomically add run folders.

    ``only`` limits what ``lookup`` and ``scan`` see to the run folders it names (a rendering's snapshot).
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, only: frozenset[str] | None = None) -> None:
        # Absolute, because the run notebook and Dask workers work in other folders.
        self.root = (Path(root) if root is not None else default_root()).absolute()
        self.only = only

    @classmethod
    def as_of(cls, snapshot: str | None, root: str | os.PathLike[str] | None = None) -> RunCache:
        """The cache at ``root`` limited to the runs a :meth:`snapshot` names (all of it for None)."""
        return cls(root, only=None if snapshot is None else frozenset(filter(None, snapshot.split(","))))

    @classmethod
    def as_rendered(cls) -> RunCache:
        """The cache a report chapter reads: ``$CNNLAB_CACHE``, and, where ``$CNNLAB_RUNS_AS_OF`` is set (the
        rendering sets it), only the runs it names, so that every chapter sees the runs finished when the
        rendering started, even while a sweep adds others."""
        return cls.as_of(os.environ.get(SNAPSHOT_ENV))

    def snapshot(self) -> str:
        """The finished run folders now, for ``$CNNLAB_RUNS_AS_OF``: their names, comma-separated."""
        return ",".join(record.path.name for record in self.scan() if record.state == "done")

    def _seen(self, path: Path) -> bool:
        return self.only is None or path.name in self.only

    def ensure_writable(self) -> None:
        """Create the root if needed; raise ``CacheError`` naming the fix when it cannot be written."""
        try:
            (self.root / STAGING).mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root / STAGING):
                pass
        except OSError as exc:
            raise CacheError(
                f"cannot write to the cache {self.root} ({exc.strerror or exc}): "
                "pass --cache DIR or set CNNLAB_CACHE to a writable folder"
            ) from exc

    def path_for(self, config: RunConfig, data_fingerprint: str) -> Path:
        """Where the run for ``config`` on data ``data_fingerprint`` lives (whether or not it exists)."""
        return self.root / run_name(config, data_fingerprint)

    def checkpoint_path(self, config: RunConfig, data_fingerprint: str) -> Path:
        """Where an unfinished run keeps its latest epoch, to resume from after an interruption."""
        return self.root / CHECKPOINTS / f"{run_name(config, data_fingerprint)}.weights.h5"

    def lookup(self, config: RunConfig, data_fingerprint: str, hashes: bool = False) -> RunRecord | None:
        """The run's record if its folder exists (done or corrupt), else None."""
        path = self.path_for(config, data_fingerprint)
        return read_run(path, hashes=hashes) if path.is_dir() and self._seen(path) else None

    def is_done(self, config: RunConfig, data_fingerprint: str) -> bool:
        """True when a complete run for ``config`` is cached, every file as its manifest says (hashes checked)."""
        record = self.lookup(config, data_fingerprint, hashes=True)
        return record is not None and record.state == "done"

    def scan(self) -> list[RunRecord]:
        """Every run folder under the root (named like a run; staging excluded), sorted by name."""
        if not self.root.is_dir():
            return []
        folders = (p for p in sorted(self.root.iterdir()) if p.is_dir() and RUN_NAME.fullmatch(p.name))
        return [read_run(p) for p in folders if self._seen(p)]

    def new_staging(self, name: str) -> Path:
        """A fresh private folder under ``.staging`` to assemble a run in, tagged with this process id."""
        self.ensure_writable()
        return Path(tempfile.mkdtemp(prefix=f"{name}.pid{os.getpid()}.", dir=self.root / STAGING))

    def commit(self, staging: Path, config: RunConfig, data_fingerprint: str, replace: bool = False) -> Path:
        """Move a finished staging folder into place.

        A corrupt folder already there is replaced; a complete one is kept (another worker finished
        the same run first) unless ``replace``.
        """
        target = self.path_for(config, data_fingerprint)
        write_manifest(staging)
        record = read_run(staging, check_name=False, hashes=True)
        if record.state != "done":
            raise CacheError(f"refusing to cache an incomplete run from {staging}: {record.problem}")
        if target.exists():
            if read_run(target, hashes=True).state == "done" and not replace:
                shutil.rmtree(staging)
                self.checkpoint_path(config, data_fingerprint).unlink(missing_ok=True)
                return target
            trash = Path(tempfile.mkdtemp(prefix="corrupt.", dir=self.root / STAGING))
            os.replace(target, trash / target.name)
            shutil.rmtree(trash, ignore_errors=True)
        staging.chmod(0o755)  # mkdtemp makes it private; a run folder is for everyone to read
        os.replace(staging, target)
        self.checkpoint_path(config, data_fingerprint).unlink(missing_ok=True)  # the run is finished
        return target

    def clean_staging(self) -> int:
        """Remove what processes that no longer run left half-written (staging folders, checkpoint files).

        Returns how many were removed. Checkpoints themselves stay: the next run resumes from them.
        """
        leftovers = [*(self.root / STAGING).glob("*.pid*.*"), *(self.root / CHECKPOINTS).glob(".*.pid*.weights.h5")]
        removed = 0
        for path in leftovers:
            match = re.search(r"\.pid(\d+)\.", path.name)
            if match and not _pid_alive(int(match.group(1))):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed += 1
        return removed


def _pid_alive(pid: int) -> bool:
    """True while process ``pid`` runs; a killed process nobody has reaped yet (a zombie) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """True when Linux's /proc says ``pid`` has exited but not been reaped (where no /proc exists: False).

    A sweep killed with its process group leaves its notebook kernel's pid behind as a zombie when the
    container's init does not reap orphans; ``os.kill(pid, 0)`` still succeeds for it.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] in (["Z"], ["X"])
