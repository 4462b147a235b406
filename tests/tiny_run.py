"""One quickly trained, cached run per variant on tiny data, shared by the tests that run inference on weights."""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cnnlab.cache import RunCache, RunRecord
from cnnlab.config import RunConfig
from cnnlab.data import Cifar10
from cnnlab.record import write_run_files
from cnnlab.train import train_run
from tests.conftest import make_tiny_cifar


@functools.cache
def tiny_data() -> Cifar10:
    """The tiny generated set, with a test set of 300 images (all of them "exact")."""
    return make_tiny_cifar()


@functools.cache
def tiny_run(variant: str) -> RunRecord:
    """``variant`` trained for one epoch on 300 images, in a cache of its own under a temporary folder."""
    data = tiny_data()
    cache = RunCache(Path(tempfile.mkdtemp(prefix="cnnlab-tiny-run-")) / "cache")
    config = RunConfig(variant, 0, epochs=1, train_subset=300)
    staging = cache.new_staging(variant)
    write_run_files(staging, train_run(config, data), data, datetime.now(UTC), extra={"threads": None})
    cache.commit(staging, config, data.fingerprint())
    return cache.lookup(config, data.fingerprint())
