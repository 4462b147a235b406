"""The runs a report is about: which (variant, seed) configurations, found in the cache, as tables."""

from __future__ import annotations

import functools
import json
import os
import shlex
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cnnlab.cache import RunCache, RunRecord
from cnnlab.config import RunConfig, format_seeds
from cnnlab.errors import ConfigError, MissingRunsError
from cnnlab.models import VARIANTS
from cnnlab.present import count_of

SPEC_ENV = "CNNLAB_REPORT"
BASELINE = "tiny_vgg"


@dataclass(frozen=True)
class ReportSpec:
    """What the report shows: variants x seeds under one protocol (the assignment's by default)."""

    variants: tuple[str, ...] = field(default_factory=lambda: tuple(VARIANTS))  # every registered variant
    seeds: tuple[int, ...] = tuple(range(10))
    epochs: int = 100
    train_subset: int | None = None
    allow_incomplete: bool = False

    def config(self, variant: str, seed: int) -> RunConfig:
        """The run configuration of one (variant, seed) under this spec."""
        return RunConfig(variant, seed, epochs=self.epochs, train_subset=self.train_subset)

    def to_env(self) -> str:
        """JSON for the ``CNNLAB_REPORT`` variable that chapters read."""
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ReportSpec:
        """The spec in ``$CNNLAB_REPORT``, or the assignment's protocol when it is unset."""
        text = os.environ.get(SPEC_ENV)
        if not text:
            return cls()
        try:
            values = {**asdict(cls()), **json.loads(text)}
            values["variants"], values["seeds"] = tuple(values["variants"]), tuple(values["seeds"])
            return cls(**values)
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"${SPEC_ENV} must be a JSON object with keys among {', '.join(asdict(cls()))}: {exc}"
            ) from exc


@dataclass
class Results:
    """The cached runs of a spec, per variant, and the ones still missing."""

    spec: ReportSpec
    runs: dict[str, list[RunRecord]] = field(default_factory=dict)
    missing: list[tuple[str, int]] = field(default_factory=list)
    _table: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        """True when every (variant, seed) of the spec is cached."""
        return not self.missing

    def n(self, variant: str) -> int:
        """Number of cached seeds of a variant."""
        return len(self.runs.get(variant, []))

    def histories(self, variant: str) -> list[pd.DataFrame]:
        """Per-epoch histories of a variant's runs, in seed order."""
        return [r.history() for r in self.runs.get(variant, [])]

    def table(self) -> pd.DataFrame:
        """One row per run: final metrics, best validation epoch and the final train-validation gap.

        Built once (it reads every run's history) and kept.
        """
        if self._table is None:
            self._table = self._build_table()
        return self._table

    def _build_table(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for variant, records in self.runs.items():
            for record in records:
                history = record.history()
                metrics = record.metrics
                rows.append(
                    {
                        "variant": variant,
                        "seed": record.config.seed,
                        "test_accuracy": metrics["test_accuracy"],
                        "test_loss": metrics["test_loss"],
                        "test_exact_accuracy": metrics["test_exact_accuracy"],
                        "median_epoch_seconds": record.median_epoch_seconds(history),
                        "parameters": metrics["parameters"],
                        "trainable_parameters": _trainable(record.config.variant, record.config.width),
                        "best_val_epoch": int(history["epoch"].iloc[int(np.argmax(history["val_accuracy"]))]),
                        "best_val_accuracy": float(history["val_accuracy"].max()),
                        "final_gap": float(history["accuracy"].iloc[-1] - history["val_accuracy"].iloc[-1]),
                        "final_train_loss": float(history["loss"].iloc[-1]),
                        "duration_s": record.metadata.get("duration_s"),
                        "resumed_at": list(record.metadata.get("resumed_at_epochs") or []),
                    }
                )
        return pd.DataFrame(rows)

    def describe_missing(self, cache: RunCache) -> str:
        """Which runs are missing, and the sweep command that makes exactly them (same protocol and cache)."""
        names = ", ".join(f"{v} seed {s}" for v, s in self.missing[:8])
        more = f" and {len(self.missing) - 8} more" if len(self.missing) > 8 else ""
        variants = [v for v in self.spec.variants if any(m[0] == v for m in self.missing)]
        seeds = format_seeds([s for _, s in self.missing])
        command = f"cnnlab sweep --variants {','.join(variants)} --seeds {seeds} --epochs {self.spec.epochs}"
        if self.spec.train_subset:
            command += f" --train-subset {self.spec.train_subset}"
        return (
            f"{count_of(len(self.missing), 'run', 'runs')} missing from {cache.root}: {names}{more}; "
            f"run `{command} --cache {shlex.quote(str(cache.root))}`"
        )

    def values(self, variant: str, column: str = "test_accuracy") -> np.ndarray:
        """One metric of a variant over its seeds."""
        return column_of(self.table(), variant, column)


def column_of(frame: pd.DataFrame, variant: str, column: str) -> np.ndarray:
    """One variant's values of a per-run table's column (a table with a "variant" column), as floats."""
    return frame.loc[frame["variant"] == variant, column].to_numpy(dtype=float)


def collect(cache: RunCache, data_fingerprint: str, spec: ReportSpec | None = None) -> Results:
    """Find the spec's runs in the cache; raise ``MissingRunsError`` naming them unless incomplete is allowed."""
    spec = spec or ReportSpec.from_env()
    results = Results(spec)
    for variant in spec.variants:
        for seed in spec.seeds:
            record = cache.lookup(spec.config(variant, seed), data_fingerprint)
            if record is not None and record.state == "done":
                results.runs.setdefault(variant, []).append(record)
            else:
                results.missing.append((variant, seed))
    if results.missing and not spec.allow_incomplete:
        raise MissingRunsError(f"{results.describe_missing(cache)} or render with --allow-incomplete")
    return results


@functools.cache
def _trainable(variant: str, width: int) -> int:
    """A variant's trainable weights (built, not loaded: the count does not depend on the run)."""
    from cnnlab.models import build_model, trainable_count

    return trainable_count(build_model(variant, width=width))
