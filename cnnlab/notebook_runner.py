"""Execute report/run.ipynb with papermill for one configuration and move the run into the cache."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from cnnlab.cache import NOTEBOOK_FILE, RunCache
from cnnlab.config import RunConfig
from cnnlab.errors import CnnlabError, RunFailedError
from cnnlab.quiet import ipc_kernel_manager

NOTEBOOK = Path(__file__).resolve().parent.parent / "report" / "run.ipynb"
# Outputs bigger than this (bytes) are dropped from the kept notebook, so a run folder stays small.
MAX_OUTPUT_BYTES = 200_000


def notebook_parameters(config: RunConfig, data_dir: str, cache_dir: str, staging: Path) -> dict:
    """The papermill parameters for one run; paths absolute, since the notebook runs in report/."""
    return {
        **config.to_dict(),
        "data_dir": str(Path(data_dir).absolute()) if data_dir else "",
        "cache_dir": str(Path(cache_dir).absolute()),
        "staging_dir": str(staging.absolute()),
    }


def _shrink(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if len(json.dumps(o)) <= MAX_OUTPUT_BYTES]
    nbformat.write(notebook, notebook_path)


def _check_recorded(notebook_path: Path, parameters: dict[str, Any]) -> None:
    recorded = nbformat.read(notebook_path, as_version=4).metadata.get("papermill", {}).get("parameters", {})
    if recorded != parameters:
        raise RunFailedError(f"papermill recorded parameters {recorded} differ from the requested {parameters}")


def execute_run(
    config: RunConfig,
    cache: RunCache,
    data_dir: str,
    fingerprint: str,
    staging: Path | None = None,
    force: bool = False,
) -> Path:
    """Run the notebook for ``config`` into ``staging`` and commit it; returns the run folder.

    A failed run leaves its staging folder (with the failed notebook) for inspection; the next
    sweep removes it once the process that made it has ended.
    """
    import papermill

    staging = staging or cache.new_staging(config.variant)
    if force:  # redo the run from its first epoch
        cache.checkpoint_path(config, fingerprint).unlink(missing_ok=True)
    parameters = notebook_parameters(config, data_dir, str(cache.root), staging)
    output = staging / NOTEBOOK_FILE
    try:
        with tempfile.TemporaryDirectory(prefix="cnnlab-kernel-") as sockets:
            papermill.execute_notebook(
                str(NOTEBOOK),
                str(output),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(NOTEBOOK.parent),
                km=ipc_kernel_manager(sockets),
            )
        _check_recorded(output, parameters)
        _shrink(output)
        return cache.commit(staging, config, fingerprint, replace=force)
    except papermill.PapermillExecutionError as exc:
        raise RunFailedError(
            f"{config.variant} seed {config.seed}: the run notebook failed: {exc.ename}: {exc.evalue} (see {output})"
        ) from exc


def main(argv: list[str] | None = None) -> int:
    """Child-process entry point used by the sweep: ``python -m cnnlab.notebook_runner --config JSON ...``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnnlab.notebook_runner", description="Execute one run (sweep worker)."
    )
    parser.add_argument("--config", required=True, help="RunConfig as JSON")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--data", default="")
    parser.add_argument("--fingerprint", required=True)
    parser.add_argument("--staging", required=True)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        config = RunConfig.from_dict(json.loads(args.config))
        execute_run(config, RunCache(args.cache), args.data, args.fingerprint, Path(args.staging), args.force)
    except CnnlabError as exc:
        print(f"cnnlab: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
