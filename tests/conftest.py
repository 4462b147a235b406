"""Shared fixtures: a tiny generated CIFAR-10 in the official pickle layout, and temporary caches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cnnlab.data import Cifar10, write_batches
from cnnlab.determinism import configure_threads

# Runs in this process compute what a cached run with the default threads=1 computes, on any machine.
configure_threads(1)

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "data" / "cifar-10-batches-py"


def make_tiny_cifar(n_train: int = 2000, n_test: int = 300, seed: int = 0) -> Cifar10:
    """Learnable fake CIFAR-10: each class has its own mean colour and stripe, plus noise."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(30, 225, size=(10, 3))

    def images(labels: np.ndarray) -> np.ndarray:
        x = palette[labels][:, None, None, :] + rng.normal(0, 40, size=(len(labels), 32, 32, 3))
        for c in range(10):
            x[labels == c, :, 3 * c : 3 * c + 3, :] += 60  # a class-specific vertical stripe
        return np.clip(x, 0, 255).astype(np.uint8)

    y_train = rng.integers(0, 10, n_train)
    y_test = rng.integers(0, 10, n_test)
    return Cifar10(images(y_train), y_train.astype(np.int64), images(y_test), y_test.astype(np.int64), "tiny")


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cifar-10-batches-py folder holding the tiny generated set."""
    return write_batches(tmp_path_factory.mktemp("data") / "cifar-10-batches-py", make_tiny_cifar())


@pytest.fixture
def env(tiny_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for CLI subprocesses: the tiny data and a fresh cache."""
    monkeypatch.setenv("CNNLAB_DATA", str(tiny_data_dir))
    monkeypatch.setenv("CNNLAB_CACHE", str(tmp_path / "cache"))
    return {**os.environ}


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``cnnlab ARGS`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "cnnlab.cli", *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT
    )


# Layout tests read PDF pages with poppler-utils (pdftoppm, pdftotext): .ci/run installs it; elsewhere
# `apt-get install poppler-utils`, or these tests are skipped with this reason.
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="needs poppler-utils (pdftoppm, pdftotext): apt-get install poppler-utils",
)
