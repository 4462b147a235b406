"""A tiny cache for report tests: every variant, a few seeds and epochs, trained in-process on tiny data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cnnlab.cache import RunCache
from cnnlab.config import RunConfig
from cnnlab.data import load_local
from cnnlab.models import VARIANTS
from cnnlab.record import write_run_files
from cnnlab.train import train_run

SEEDS, EPOCHS, SUBSET = (0, 1, 2), 2, 300


def build_fixture_cache(
    data_dir: Path, cache_dir: Path, seeds: tuple[int, ...] = SEEDS, epochs: int = EPOCHS, subset: int = SUBSET
) -> RunCache:
    """Train and cache every (variant, seed) quickly (no notebook: the report only reads the cache)."""
    data = load_local(data_dir)
    cache = RunCache(cache_dir)
    for variant in VARIANTS:
        for seed in seeds:
            config = RunConfig(variant, seed, epochs=epochs, train_subset=subset)
            if cache.is_done(config, data.fingerprint()):
                continue
            started = datetime.now(UTC)
            staging = cache.new_staging(variant)
            write_run_files(staging, train_run(config, data), data, started, extra={"threads": None})
            cache.commit(staging, config, data.fingerprint())
    return cache


if __name__ == "__main__":
    import sys

    from cnnlab.data import write_batches
    from tests.conftest import make_tiny_cifar

    out = Path(sys.argv[1])
    folder = write_batches(out / "cifar-10-batches-py", make_tiny_cifar())
    build_fixture_cache(folder, out / "cache")
    print(out)
