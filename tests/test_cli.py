"""The cnnlab command: one run, status, sweeps killed and resumed, and bad input."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli


def _runs(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")) if cache.exists() else []


def test_run_then_status_json(env):
    done = cli("run", "tiny_vgg", "--seed", "0", "--epochs", "1", "--train-subset", "300", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = _runs(Path(env["CNNLAB_CACHE"]))
    assert (run / "run.ipynb").is_file() and (run / "model.weights.h5").is_file()
    rows = json.loads(cli("status", "--json", env=env).stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("variant", "seed", "epochs", "train_subset", "state")} == {
        "variant": "tiny_vgg",
        "seed": 0,
        "epochs": 1,
        "train_subset": 300,
        "state": "done",
    }
    assert 0 <= row["test_accuracy"] <= 1 and row["test_loss"] > 0 and row["median_epoch_seconds"] > 0
    again = cli("run", "tiny_vgg", "--seed", "0", "--epochs", "1", "--train-subset", "300", env=env)
    assert "1 already cached, 0 to do" in again.stderr


def test_killed_sweep_leaves_nothing_partial_and_resumes_the_run_in_progress(env):
    cache = Path(env["CNNLAB_CACHE"])
    args = [
        sys.executable,
        "-m",
        "cnnlab.cli",
        "sweep",
        "--variants",
        "tiny_vgg",
        "--seeds",
        "0",
        "--epochs",
        "40",
        "--train-subset",
        "200",
    ]
    sweep = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 240

    def checkpoints() -> list[Path]:
        return [p for p in cache.glob(".checkpoints/*.weights.h5") if not p.name.startswith(".")]

    while not checkpoints() and time.time() < deadline:
        time.sleep(0.2)
    assert checkpoints(), "the run never finished an epoch"
    # The hardest kill: sweep, runner and papermill at once. The kernel runs in its own session (jupyter_client
    # starts it so) and exits within a second of losing its parent, possibly mid-checkpoint and unreaped.
    os.killpg(sweep.pid, signal.SIGKILL)
    sweep.wait()
    assert _runs(cache) == []
    status = cli("status", env=env).stdout
    assert "unfinished runs (running now, or interrupted" in status and "saved after epoch" in status
    resumed = cli("sweep", "--variants", "tiny_vgg", "--seeds", "0", "--epochs", "40", "--train-subset", "200", env=env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "0 already cached, 1 to do" in resumed.stderr
    (run,) = _runs(cache)
    assert not list((cache / ".staging").iterdir()) and not list((cache / ".checkpoints").iterdir())
    assert json.loads((run / "metadata.json").read_text())["resumed_at_epochs"][0] >= 1  # not from scratch


def test_corrupt_run_is_reported_and_redone(env):
    args = ("sweep", "--variants", "tiny_resnet", "--seeds", "1", "--epochs", "1", "--train-subset", "200")
    assert cli(*args, env=env).returncode == 0
    (run,) = _runs(Path(env["CNNLAB_CACHE"]))
    (run / "metrics.json").write_text('{"test_accuracy": ')
    status = cli("status", env=env)
    assert "corrupt (metrics.json has" in status.stdout and "the next sweep redoes it" in status.stdout
    redo = cli(*args, env=env)
    assert redo.returncode == 0 and "0 already cached, 1 to do" in redo.stderr
    assert json.loads(cli("status", "--json", env=env).stdout)[0]["state"] == "done"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "vgg16", "--seed", "0"), "unknown variant 'vgg16'; known variants: tiny_vgg, tiny_vgg_bn"),
        (("sweep", "--variants", "tiny_vgg,bogus"), "unknown variant 'bogus'"),
        (("sweep", "--seeds", "9-3"), "bad seed range"),
        (("sweep", "--seeds", "x"), "bad seed range"),
        (("sweep", "--workers", "0"), "--workers must be >= 1"),
        (("run", "tiny_vgg", "--seed", "0", "--data", "/nonexistent"), "CNNLAB_DATA or --data"),
        (("run", "tiny_vgg", "--seed", "0", "--cache", "/proc/version/cache"), "pass --cache DIR or set CNNLAB_CACHE"),
        (("run", "tiny_vgg", "--seed", "-2"), "seed must be >= 0"),
        (("data", "--data", "/nonexistent"), "CNNLAB_DATA or --data"),
        (("run", "tiny_vgg", "--seed", "0", "--train-subset", "60000"), "--train-subset 60000 exceeds the 2,000"),
        (("run", "tiny_vgg", "--seed", "0", "--threads", "-1"), "threads must be >= 1"),
        (("sweep", "--scheduler", "bogus"), "--scheduler is 'bogus': use tcp://HOST:PORT"),
        (("sweep", "--scheduler", "tcp://localhost"), "--scheduler is 'tcp://localhost'"),
        (("sweep", "--scheduler", "local:0"), "--scheduler is 'local:0'"),
        (("status", "--cache", "/nonexistent"), "the cache folder /nonexistent does not exist (--cache)"),
        (("render", "--resnet50-conv1", "/nonexistent.npz"), "--resnet50-conv1 names /nonexistent.npz"),
        (("render", "--resnet50-conv1", "/etc/hostname"), "is not an .npz with arrays 'kernel' and 'bias'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(env, args, message, tmp_path):
    if args[0] == "render":  # the runs are there: the conv1 file is what is checked, before any output
        args = (*args, "--allow-incomplete", "--out", str(tmp_path / "out"))
    result = cli(*args, env=env)
    assert not (tmp_path / "out").exists()
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_help_explains_each_subcommand():
    for command in ("data", "run", "sweep", "status"):
        text = cli(command, "--help").stdout
        assert "usage: cnnlab " + command in text and "--cache" in text
    assert "Interrupt it at any time" in cli("sweep", "--help").stdout
    assert "--author NAME" in cli("render", "--help").stdout


def test_data_prints_the_q1_facts(env):
    out = cli("data", env=env).stdout
    assert "training images: 2,000; test images: 300" in out and "airplane" in out


def _in(folder: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    """``cnnlab ARGS`` run from ``folder``, as a user in another folder would."""
    return subprocess.run(
        [sys.executable, "-m", "cnnlab.cli", *args], capture_output=True, text=True, env=env, timeout=300, cwd=folder
    )


def test_run_and_sweep_into_a_relative_cache_from_another_folder(env, tmp_path):
    """The notebook works in report/: a relative cache must reach it as an absolute path (issue #15.1), whether
    it is given by --cache (here to run) or by CNNLAB_CACHE (here to sweep)."""
    env = {k: v for k, v in env.items() if k != "CNNLAB_CACHE"}
    quick = ("--epochs", "1", "--train-subset", "200")
    done = _in(tmp_path, "run", "tiny_vgg", "--seed", "0", *quick, "--cache", "rel", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    swept = _in(tmp_path, "sweep", "--variants", "tiny_vgg", "--seeds", "1", *quick, env=env | {"CNNLAB_CACHE": "rel"})
    assert swept.returncode == 0, swept.stderr[-2000:]
    assert [p.name.split("-e1-")[0] for p in _runs(tmp_path / "rel")] == ["tiny_vgg-seed00", "tiny_vgg-seed01"]


def test_run_and_sweep_compute_the_same_bytes(env, tmp_path):
    """One configuration, one key, one result: `run` and `sweep` use the same threads (issue #15.3)."""
    args = ("tiny_vgg", "--seed", "0", "--epochs", "2", "--train-subset", "300")
    assert cli("run", *args, "--cache", str(tmp_path / "a"), env=env).returncode == 0
    sweep = ("sweep", "--variants", "tiny_vgg", "--seeds", "0", *args[3:], "--cache", str(tmp_path / "b"))
    assert cli(*sweep, env=env).returncode == 0
    (a,), (b,) = _runs(tmp_path / "a"), _runs(tmp_path / "b")
    assert a.name == b.name
    assert (a / "test_predictions.npy").read_bytes() == (b / "test_predictions.npy").read_bytes()
    # history.csv byte for byte, but for its last column: the wall-clock seconds of each epoch.
    histories = [
        [line.rsplit(b",", 1)[0] for line in (run / "history.csv").read_bytes().splitlines()] for run in (a, b)
    ]
    assert histories[0] == histories[1]
    assert json.loads((a / "metadata.json").read_text())["threads"] == 1


def test_the_scheduler_variable_is_named_when_it_is_wrong(env):
    result = cli("sweep", env={**env, "CNNLAB_SCHEDULER": "http://x:1"})
    assert result.returncode == 2 and "$CNNLAB_SCHEDULER is 'http://x:1'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_in_a_pipe_and_among_foreign_folders(env):
    cache = Path(env["CNNLAB_CACHE"])
    assert cli("run", "tiny_vgg", "--seed", "0", "--epochs", "1", "--train-subset", "200", env=env).returncode == 0
    (cache / "notes").mkdir()
    status = cli("status", env=env)
    assert "corrupt" not in status.stdout and "notes" not in status.stdout
    assert "precision" in status.stdout.splitlines()[1] and "seeding" in status.stdout.splitlines()[1]
    (row,) = json.loads(cli("status", "--json", env=env).stdout)
    assert (row["init_seed"], row["order_seed"], row["shuffle"], row["threads"]) == (0, 0, "keras", 1)
    for args in (["status"], ["status", "--json"]):
        piped = subprocess.run(
            f"{sys.executable} -m cnnlab.cli {' '.join(args)} | head -1",
            shell=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert piped.stderr == "" and len(piped.stdout.splitlines()) == 1


def test_run_says_what_it_made(env):
    done = cli("run", "tiny_vgg", "--seed", "0", "--epochs", "1", "--train-subset", "200", env=env)
    (run,) = _runs(Path(env["CNNLAB_CACHE"]))
    assert "test accuracy" in done.stdout and str(run) in done.stdout
    assert "1 run planned" in done.stderr and "1 run finished" in done.stderr
    assert "without encryption" not in done.stderr
