"""`cnnlab bench`: cnnlab's training path against a student's plain Keras fit, per epoch and per machine.

Per variant, one process alternates (a) the baseline, a fresh ``model.fit(x, y, epochs=E,
batch_size=128, validation_split=0.3)`` and (b) ``cnnlab.train.train_run`` as the sweep runs it
(validation and the test-set pass the report's curves need, evaluated at a large batch in a thread
beside the training, see ``callbacks.BackgroundEvaluation``); both use the same
threads, so the ratio isolates the code path. Thread pools cannot change inside a process, so the
machine-level comparison runs processes: the baseline one after another with TensorFlow's default
threads, against the sweep's workers side by side with their threads each.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from statistics import median
from typing import Any

import numpy as np

from cnnlab.config import RunConfig
from cnnlab.data import Cifar10, load_cifar10
from cnnlab.errors import BenchError

WARMUP_EPOCHS = 1  # the first epoch also traces the graphs; it is left out of every timing


def forward_flops(model: Any) -> int:
    """Multiply-adds x 2 of one image's forward pass through the convolutions and dense layers."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            kh, kw, cin, cout = layer.kernel.shape
            h, w = layer.output.shape[1:3]
            total += 2 * h * w * kh * kw * cin * cout
        elif kind == "Dense":
            total += 2 * int(np.prod(layer.kernel.shape))
    return int(total)


def epoch_flops(model: Any, n_train: int, n_eval: int) -> float:
    """One epoch: forward and backward (about 3 forward passes) on training images, forward on the rest."""
    return float(forward_flops(model) * (3 * n_train + n_eval))


def _steady(seconds: list[float]) -> float:
    return float(np.mean(seconds[WARMUP_EPOCHS:] if len(seconds) > WARMUP_EPOCHS else seconds))


def baseline_fit(config: RunConfig, data: Cifar10) -> tuple[list[float], list[float]]:
    """A student's plain float32 fit of ``config``; returns the seconds and the training loss of each epoch."""
    import dataclasses

    from cnnlab.callbacks import EpochTimer
    from cnnlab.determinism import seed_everything
    from cnnlab.train import compile_model, training_arrays

    config = dataclasses.replace(config, precision="float32")
    seed_everything(config.seed)
    x, y = training_arrays(config, data)
    model = compile_model(config)
    timer_logs: list[float] = []

    class Collect(EpochTimer):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            super().on_epoch_end(epoch, logs)
            timer_logs.append(logs["seconds"])

    history = model.fit(
        x,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation_split=config.validation_split,
        verbose=0,
        callbacks=[Collect()],
    )
    return timer_logs, [float(v) for v in history.history["loss"]]


def compare_variant(
    config: RunConfig, data: Cifar10, repeats: int = 1, steps_per_execution: int | None = None
) -> dict[str, Any]:
    """Alternate baseline and cnnlab ``repeats`` times for one variant; medians of the steady epochs.

    XLA is not measured: Keras 3 silently turns ``jit_compile`` off while TensorFlow's op
    determinism is on (``keras.src.trainers.trainer.model_supports_jit``), and the protocol needs
    determinism for repeatable runs.
    """
    from cnnlab.train import STEPS_PER_EXECUTION, compile_model, train_run

    spe = steps_per_execution or STEPS_PER_EXECUTION
    base_s, ours_s = [], []
    for _ in range(repeats):
        seconds, base_losses = baseline_fit(config, data)
        base_s.append(_steady(seconds))
        result = train_run(config, data, steps_per_execution=spe)
        ours_s.append(_steady(result.history["seconds"].tolist()))
    n = config.train_subset or len(data.x_train)
    n_train = math.floor(n * (1 - config.validation_split))
    model = compile_model(config)
    flops_base = epoch_flops(model, n_train, n - n_train)
    flops_ours = epoch_flops(model, n_train, n - n_train + len(data.x_test))
    b, o = median(base_s), median(ours_s)
    ours_losses = result.history["loss"].tolist()
    return {
        "variant": config.variant,
        "epochs": config.epochs,
        "train_subset": config.train_subset,
        "baseline_s_per_epoch": b,
        "cnnlab_s_per_epoch": o,
        "speedup": b / o,
        "baseline_images_per_s": n / b,
        "cnnlab_images_per_s": (n + len(data.x_test)) / o,
        "baseline_gflops": flops_base / b / 1e9,
        "cnnlab_gflops": flops_ours / o / 1e9,
        "max_loss_difference": float(np.max(np.abs(np.array(base_losses) - np.array(ours_losses)))),
        "precision": config.precision,
        "steps_per_execution": spe,
    }


def _worker(config_json: str, threads: int, data_dir: str) -> None:
    """Subprocess entry: train one config and print its steady seconds per epoch as JSON."""
    from cnnlab.determinism import configure_threads
    from cnnlab.train import train_run

    config = RunConfig.from_dict(json.loads(config_json))
    data = load_cifar10(data_dir or None)
    if threads < 0:  # the baseline: a plain fit with TensorFlow's default threads
        seconds, _ = baseline_fit(config, data)
    else:
        configure_threads(threads)
        seconds = train_run(config, data).history["seconds"].tolist()
    print(json.dumps({"s_per_epoch": _steady(seconds)}))


def _spawn(config: RunConfig, threads: int, data_dir: str) -> subprocess.Popen:
    code = "import sys; from cnnlab.bench import _worker; _worker(sys.argv[1], int(sys.argv[2]), sys.argv[3])"
    return subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(config.to_dict()), str(threads), data_dir],
        stdout=subprocess.PIPE,
        text=True,
    )


def _collect(process: subprocess.Popen) -> float:
    out, _ = process.communicate()
    if process.returncode != 0:
        raise BenchError(f"benchmark worker failed with status {process.returncode}")
    return float(json.loads(out.strip().splitlines()[-1])["s_per_epoch"])


def sweep_throughput(configs: list[RunConfig], data_dir: str, workers: int, threads: int) -> dict[str, Any]:
    """Epochs per hour of the whole machine over a mix of variants (one epoch of each).

    Baseline: plain fits one after another, TensorFlow's default threads. cnnlab: ``workers``
    processes of ``threads`` threads each, side by side, as the sweep runs them.
    """
    from tqdm.auto import tqdm

    with tqdm(total=2 * len(configs), desc="sweep", unit="measurement", file=sys.stderr) as progress:
        baseline = []
        for config in configs:
            baseline.append(_collect(_spawn(config, -1, data_dir)))
            progress.update()
        ours = []
        for config in configs:
            processes = [_spawn(config, threads, data_dir) for _ in range(workers)]
            ours.append(float(np.mean([_collect(p) for p in processes])))
            progress.update()
    base_rate = 3600 * len(configs) / sum(baseline)
    ours_rate = workers * 3600 * len(configs) / sum(ours)
    return {
        "baseline_epochs_per_hour": base_rate,
        "cnnlab_epochs_per_hour": ours_rate,
        "speedup": ours_rate / base_rate,
        "workers": workers,
        "threads_per_worker": threads,
        "baseline_s_per_epoch": dict(zip([c.variant for c in configs], baseline, strict=True)),
        "cnnlab_worker_s_per_epoch": dict(zip([c.variant for c in configs], ours, strict=True)),
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import os
    import platform

    from cnnlab.record import library_versions

    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cpu": model, "cores": os.cpu_count(), **library_versions()}


def run_bench(
    variants: list[str],
    epochs: int,
    train_subset: int | None,
    data_dir: str | None,
    workers: int,
    threads: int,
    repeats: int = 1,
    precision: str = "float32",
    seed: int = 0,
    sweep: bool = True,
    steps_per_execution: int | None = None,
) -> dict[str, Any]:
    """The whole benchmark: per-variant comparison in this process, then the machine-level sweep comparison."""
    from tqdm.auto import tqdm

    data = load_cifar10(data_dir)
    configs = [RunConfig(v, seed, epochs=epochs, train_subset=train_subset, precision=precision) for v in variants]
    progress = tqdm(configs, desc="per-variant", unit="variant", file=sys.stderr)
    rows = [compare_variant(c, data, repeats, steps_per_execution) for c in progress]
    report: dict[str, Any] = {"machine": machine(), "variants": rows}
    if sweep:
        source = data.source if data.source != "keras.datasets.cifar10" else ""
        report["sweep"] = sweep_throughput(configs, source, workers, threads)
    return report


def format_bench(report: dict[str, Any]) -> str:
    """The benchmark as a markdown table (what the README shows)."""
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; TensorFlow {m['tensorflow']}, Keras {m['keras']}.",
        "",
        "| variant | baseline s/epoch | cnnlab s/epoch | speed-up | cnnlab GFLOP/s | max loss difference |",
        "|:--|--:|--:|--:|--:|--:|",
    ]
    for r in report["variants"]:
        lines.append(
            f"| {r['variant']} | {r['baseline_s_per_epoch']:.2f} | {r['cnnlab_s_per_epoch']:.2f} | "
            f"{r['speedup']:.2f} | {r['cnnlab_gflops']:.0f} | {r['max_loss_difference']:.1e} |"
        )
    if "sweep" in report:
        s = report["sweep"]
        lines += [
            "",
            f"Sweep ({s['workers']} workers x {s['threads_per_worker']} thread): "
            f"{s['cnnlab_epochs_per_hour']:.0f} epochs/hour against {s['baseline_epochs_per_hour']:.0f} "
            f"for plain fits one after another: speed-up {s['speedup']:.2f}.",
        ]
    return "\n".join(lines)
