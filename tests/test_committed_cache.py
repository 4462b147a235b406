"""The committed cache/ itself: every run folder is whole, follows the protocol and stays small (issue #3)."""

from dataclasses import replace
from pathlib import Path

import numpy as np

from cnnlab.cache import HISTORY_COLUMNS, PREDICTIONS_FILE, read_run

CACHE = Path(__file__).resolve().parents[1] / "cache"
RUNS = sorted(p for p in CACHE.iterdir() if p.is_dir() and not p.name.startswith(".")) if CACHE.is_dir() else []


def test_every_committed_run_is_a_whole_protocol_run():
    assert RUNS, f"no run folders in {CACHE}"
    for path in RUNS:
        record = read_run(path)
        assert record.state == "done", f"{path.name}: {record.problem}"
        config = record.config
        # The seed study's runs (issue #14) differ from the protocol only in what the seeds fix and the shuffle.
        seeds = {"init_seed": config.seed, "order_seed": config.seed}
        as_protocol = replace(config, precision="float32", shuffle="keras", **seeds)
        assert as_protocol.is_protocol, f"{path.name}: not the assignment's protocol"
        history = record.history()
        assert history["epoch"].tolist() == list(range(1, config.epochs + 1)), path.name
        assert np.isfinite(history[list(HISTORY_COLUMNS)].to_numpy(dtype=float)).all(), f"{path.name}: NaN in history"
        predictions = np.load(path / PREDICTIONS_FILE)
        assert predictions.shape == (record.metrics["n_test"],), path.name
        confusion = np.array(record.metrics["confusion_matrix"])  # rows: true class, columns: predicted
        assert (confusion.sum(axis=0) == np.bincount(predictions, minlength=10)).all(), path.name
        assert np.isclose(np.trace(confusion) / confusion.sum(), record.metrics["test_accuracy"]), path.name
        assert 0.1 < record.metrics["test_accuracy"] < 1.0, f"{path.name}: accuracy at chance or worse"


def test_run_folders_stay_small():
    for path in RUNS:
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        assert size < 1_000_000, f"{path.name} holds {size:,} bytes"
