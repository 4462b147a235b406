"""The ``cnnlab`` command: data facts, one run, a sweep over variants and seeds, the cache's status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from cnnlab.errors import CnnlabError

VARIANT_HELP = "tiny_vgg (Q4), tiny_vgg_bn (Q13), tiny_vgg_3blocks (Q14), tiny_resnet (Q15)"


def _add_places(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="cifar-10-batches-py folder (default: $CNNLAB_DATA, else download through Keras)",
    )
    parser.add_argument(
        "--cache", metavar="DIR", default=None, help="run cache folder (default: $CNNLAB_CACHE or ./cache)"
    )


def _default(name: str) -> object:
    from cnnlab.config import RunConfig

    return RunConfig.__dataclass_fields__[name].default


def _add_protocol(parser: argparse.ArgumentParser) -> None:
    from cnnlab.config import PRECISIONS, SHUFFLES

    group = parser.add_argument_group("protocol (defaults: the assignment's)")
    group.add_argument("--epochs", type=int, default=_default("epochs"), help="epochs per run (default %(default)s)")
    group.add_argument(
        "--train-subset",
        type=int,
        default=None,
        metavar="K",
        help="train on the first K training images only, for quick runs (default: all 50,000)",
    )
    group.add_argument(
        "--width", type=int, default=_default("width"), help="filters per convolution (default %(default)s)"
    )
    group.add_argument(
        "--precision",
        default=_default("precision"),
        choices=PRECISIONS,
        help="Keras dtype policy (default %(default)s)",
    )
    group = parser.add_argument_group("what the seed fixes (defaults: the seed fixes both)")
    group.add_argument(
        "--init-seed", type=int, default=None, metavar="N", help="seed of the initial weights (default: the seed)"
    )
    group.add_argument(
        "--order-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed of the training images' order (default: the seed)",
    )
    group.add_argument(
        "--shuffle",
        default=_default("shuffle"),
        choices=SHUFFLES,
        help="keras: Keras's fit(shuffle=True), which under a seed repeats one order every epoch (the protocol); "
        "every_epoch: a new order each epoch, from the order seed and the epoch (default %(default)s)",
    )
    group.add_argument(
        "--threads",
        type=int,
        default=_default("threads"),
        help="TensorFlow threads per run; results depend on it, so it is part of the cache key (default %(default)s)",
    )


def _add_workers(parser: argparse.ArgumentParser) -> None:
    from cnnlab.sweep import default_workers

    parser.add_argument("--variants", default="all", help=f"comma-separated list or 'all': {VARIANT_HELP}")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help=f"runs at a time (default {default_workers()}: one per core)",
    )


def _variants(text: str) -> list[str]:
    from cnnlab.models import VARIANTS, check_variant

    variants = list(VARIANTS) if text == "all" else [v.strip() for v in text.split(",")]
    for variant in variants:
        check_variant(variant)
    return variants


def _protocol(args: argparse.Namespace) -> dict[str, object]:
    names = ("epochs", "train_subset", "width", "precision", "init_seed", "order_seed", "shuffle", "threads")
    return {name: getattr(args, name) for name in names}


def _load(args: argparse.Namespace):
    from cnnlab.cache import RunCache
    from cnnlab.data import load_cifar10

    return load_cifar10(args.data), RunCache(args.cache)


def cmd_data(args: argparse.Namespace) -> int:
    from cnnlab.data import CLASS_NAMES, data_facts, load_cifar10

    facts = data_facts(load_cifar10(args.data))
    if args.json:
        print(json.dumps(facts, indent=1))
        return 0
    print(f"source: {facts['source']} (fingerprint {facts['fingerprint']})")
    print(
        f"training images: {facts['n_train']:,}; test images: {facts['n_test']:,}; image shape: "
        f"{' x '.join(map(str, facts['image_shape']))} (height x width x RGB), uint8 0-255"
    )
    print(f"{'class':12} {'train':>6} {'test':>6}")
    for name, tr, te in zip(CLASS_NAMES, facts["train_per_class"], facts["test_per_class"], strict=True):
        print(f"{name:12} {tr:>6} {te:>6}")
    mean = ", ".join(f"{v:.4f}" for v in facts["channel_mean"])
    std = ", ".join(f"{v:.4f}" for v in facts["channel_std"])
    print(f"training pixels on [0, 1], per channel R, G, B: mean {mean}; std {std}")
    return 0


def _sweep(args: argparse.Namespace, planned: list, force: bool = False) -> int:
    from cnnlab.sweep import missing_runs, run_local

    data, cache = _load(args)
    cache.ensure_writable()
    cache.clean_staging()
    fingerprint = data.fingerprint()
    todo = planned if force else missing_runs(planned, cache, fingerprint)
    print(
        f"{len(planned)} runs planned, {len(planned) - len(todo)} already cached, {len(todo)} to do "
        f"(cache {cache.root})",
        file=sys.stderr,
    )
    if not todo:
        return 0
    source = data.source if data.source != "keras.datasets.cifar10" else ""
    scheduler = getattr(args, "scheduler", None)
    if scheduler:
        from cnnlab.dask_sweep import run_dask

        report = run_dask(todo, cache, source, fingerprint, scheduler)
    else:
        report = run_local(todo, cache, source, fingerprint, workers=args.workers, force=force)
    print(f"{len(report.done)} runs finished, {len(report.failed)} failed", file=sys.stderr)
    for config, message in report.failed:
        print(f"  {config.variant} seed {config.seed}: {message}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_run(args: argparse.Namespace) -> int:
    from cnnlab.models import check_variant
    from cnnlab.sweep import plan_runs

    check_variant(args.variant)
    args.workers = 1
    return _sweep(args, plan_runs([args.variant], [args.seed], **_protocol(args)), force=args.force)


def cmd_sweep(args: argparse.Namespace) -> int:
    from cnnlab.config import parse_seeds
    from cnnlab.studies import study_configs
    from cnnlab.sweep import plan_runs

    if args.workers < 1:
        raise CnnlabError(f"--workers must be >= 1, got {args.workers}")
    seeds = parse_seeds(args.seeds)
    if args.study:
        protocol = {k: getattr(args, k) for k in ("epochs", "train_subset", "width", "precision", "threads")}
        return _sweep(args, study_configs(args.study, seeds, **protocol))
    return _sweep(args, plan_runs(_variants(args.variants), seeds, **_protocol(args)))


def cmd_status(args: argparse.Namespace) -> int:
    from cnnlab.cache import RunCache
    from cnnlab.status import format_status, run_rows

    cache = RunCache(args.cache)
    if args.json:
        print(json.dumps(run_rows(cache.scan()), indent=1))
    else:
        print(format_status(cache))
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cnnlab.config import parse_seeds
    from cnnlab.render import render
    from cnnlab.results import ReportSpec

    if args.resnet50_conv1:
        os.environ["CNNLAB_RESNET50_CONV1"] = str(Path(args.resnet50_conv1).resolve())
    spec = ReportSpec(
        seeds=tuple(parse_seeds(args.seeds)),
        epochs=args.epochs,
        train_subset=args.train_subset,
        allow_incomplete=args.allow_incomplete,
    )
    html, pdf = render(Path(args.out) if args.out else None, spec, cache=args.cache, data=args.data)
    print(f"wrote {html}\nwrote {pdf}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from cnnlab.bench import format_bench, run_bench

    report = run_bench(
        _variants(args.variants),
        args.epochs,
        args.train_subset,
        args.data,
        args.workers,
        args.threads,
        repeats=args.repeats,
        precision=args.precision,
        sweep=not args.no_sweep,
        steps_per_execution=args.steps_per_execution,
    )
    print(json.dumps(report, indent=1) if args.json else format_bench(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="cnnlab",
        description="Train, cache and report the CIFAR-10 tiny-VGG practical. Runs go through "
        "report/run.ipynb (papermill) into a cache of one folder per (variant, seed).",
        epilog="Offline, point CNNLAB_DATA (or --data) at a cifar-10-batches-py folder.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "data",
        help="the Q1 facts: counts, image shape, classes, pixel statistics",
        description="Load CIFAR-10 and print counts, image shape, per-class counts and the "
        "per-channel pixel mean and std.",
    )
    _add_places(p)
    p.add_argument("--json", action="store_true", help="print the facts as JSON")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser(
        "run",
        help="train one variant with one seed into the cache",
        description="Execute report/run.ipynb for one (variant, seed) and keep the run in the "
        "cache. A cached run is not redone unless --force.",
    )
    p.add_argument("variant", help=VARIANT_HELP)
    p.add_argument("--seed", type=int, required=True, help="random seed (>= 0)")
    p.add_argument("--force", action="store_true", help="redo the run even if it is cached")
    _add_protocol(p)
    _add_places(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "sweep",
        help="run every missing (variant, seed); resumable",
        description="Run every (variant, seed) not yet cached, each through report/run.ipynb in "
        "its own process. Interrupt it at any time: finished runs stay, nothing "
        "partial is left in the cache, and the same command finishes the rest; a run that was in "
        "progress resumes after its last finished epoch (saved in CACHE/.checkpoints) and gives "
        "the numbers of an uninterrupted run.",
    )
    _add_workers(p)
    p.add_argument("--seeds", default="0-9", help="seeds such as 0-9, 0-4,7 or 3 (default 0-9)")
    p.add_argument(
        "--study",
        choices=("seeds",),
        default=None,
        help="instead of --variants: the report's seed study (initialisation alone, order alone, a new order "
        "every epoch for tiny_vgg and tiny_vgg_bn), for --seeds",
    )
    p.add_argument(
        "--scheduler",
        default=os.environ.get("CNNLAB_SCHEDULER") or None,
        metavar="ADDRESS",
        help="run the tasks on a Dask cluster: tcp://HOST:8786, or local:N for a LocalCluster of N "
        "processes (default: $CNNLAB_SCHEDULER, else local processes, see --workers)",
    )
    _add_protocol(p)
    _add_places(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "status",
        help="every cached run and mean ± std per variant",
        description="List every run folder in the cache (done or corrupt) with its test "
        "accuracy, and the mean ± std test accuracy per variant so far.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per run")
    _add_places(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "bench",
        help="cnnlab's training path against a plain Keras fit",
        description="Time a plain model.fit (what a student writes) and cnnlab's training path "
        "per variant, alternating in one process, then the machine's epochs per hour: "
        "plain fits one after another against the sweep's workers side by side. "
        "Run it on an otherwise idle machine.",
    )
    _add_workers(p)
    p.add_argument("--epochs", type=int, default=4, help="epochs per timing; the first is left out (default 4)")
    p.add_argument("--train-subset", type=int, default=None, metavar="K", help="first K training images only")
    p.add_argument("--repeats", type=int, default=1, help="alternations per variant (default 1)")
    p.add_argument(
        "--threads",
        type=int,
        default=_default("threads"),
        help="TensorFlow threads per sweep worker (default %(default)s)",
    )
    p.add_argument("--precision", default="float32", choices=("float32", "mixed_bfloat16"))
    p.add_argument("--no-sweep", action="store_true", help="skip the machine-level sweep measurement")
    p.add_argument(
        "--steps-per-execution",
        type=int,
        default=None,
        metavar="N",
        help="batches per compiled call in cnnlab's path (default: cnnlab's setting)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    _add_places(p)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser(
        "render",
        help="write _output/report.html and report.pdf without Quarto",
        description="Execute the report's chapters against the cache (they never train) and "
        "write one self-contained HTML and one PDF (pandoc + Typst). Stops naming "
        "the missing runs unless --allow-incomplete.",
    )
    p.add_argument("--out", metavar="DIR", default=None, help="output folder (default: _output)")
    p.add_argument("--seeds", default="0-9", help="seeds the report uses (default 0-9)")
    p.add_argument("--epochs", type=int, default=100, help="epochs of the runs to report (default 100)")
    p.add_argument(
        "--train-subset",
        type=int,
        default=None,
        metavar="K",
        help="report runs trained on the first K images (default: all)",
    )
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="render with the runs there are; the report says which are missing",
    )
    p.add_argument(
        "--resnet50-conv1",
        metavar="NPZ",
        default=None,
        help="offline Q12: .npz with ResNet50's conv1_conv kernel and bias (default: "
        "$CNNLAB_RESNET50_CONV1, else download the ImageNet weights through Keras)",
    )
    _add_places(p)
    p.set_defaults(func=cmd_render)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: bad input gives one line naming the fix and exit status 2, never a traceback."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.func
    try:
        return handler(args)
    except CnnlabError as exc:
        print(f"cnnlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cnnlab: interrupted; finished runs are kept, rerun the same command to finish the rest", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
