"""report/run.ipynb executed by papermill directly, as the design card's user runs it."""

import subprocess
import sys
from pathlib import Path

import nbformat

from cnnlab.cache import RunCache
from cnnlab.config import RunConfig
from cnnlab.data import load_local
from tests.conftest import ROOT

PAPERMILL = str(Path(sys.executable).parent / "papermill")


def _papermill(out: Path, *params: str, env: dict) -> subprocess.CompletedProcess:
    args = [PAPERMILL, "--no-progress-bar", str(ROOT / "report" / "run.ipynb"), str(out)]
    for pair in params:
        name, value = pair.split("=")
        args += ["-p", name, value]
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


def test_parameters_cell_is_tagged_once():
    notebook = nbformat.read(ROOT / "report" / "run.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "variant" in tagged[0].source


def test_papermill_run_leaves_a_complete_run_folder(env, tmp_path, tiny_data_dir):
    done = _papermill(tmp_path / "out.ipynb", "variant=tiny_vgg_bn", "seed=3", "epochs=1", "train_subset=300", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    config = RunConfig("tiny_vgg_bn", 3, epochs=1, train_subset=300)
    record = RunCache(env["CNNLAB_CACHE"]).lookup(config, load_local(tiny_data_dir).fingerprint())
    assert record is not None and record.state == "done"
    assert record.metadata["notebook_executed_by"] == "papermill"
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["variant"] == "tiny_vgg_bn"
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the curves were drawn
    assert not any(o.get("name") == "stderr" for o in outputs)  # no TensorFlow log noise


def test_unknown_parameter_is_an_error(env, tmp_path):
    failed = _papermill(tmp_path / "out.ipynb", "variant=tiny_vgg", "sed=3", "epochs=1", env=env)
    assert failed.returncode != 0
    assert "unknown notebook parameter(s): sed" in failed.stderr + failed.stdout
    assert not [p for p in Path(env["CNNLAB_CACHE"]).glob("*") if not p.name.startswith(".")]


def test_a_failed_papermill_run_leaves_nothing_half_made(env, tmp_path):
    failed = _papermill(tmp_path / "out.ipynb", "variant=tiny_vgg", "seed=0", "epochs=1", "train_subset=60000", env=env)
    assert failed.returncode != 0 and "exceeds the 2000 training images" in failed.stderr + failed.stdout
    cache = Path(env["CNNLAB_CACHE"])
    assert not list((cache / ".staging").glob("*")) and not [p for p in cache.glob("*") if not p.name.startswith(".")]
