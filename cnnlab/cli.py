"""The ``cnnlab`` command: data facts, one run, a sweep over variants and seeds, the cache's status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from cnnlab.cli_parser import build_parser
from cnnlab.errors import CnnlabError


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
    from cnnlab.present import count_of
    from cnnlab.sweep import missing_runs, run_local

    scheduler = _scheduler(args)  # checked before the data is loaded
    data, cache = _load(args)
    subset = max((c.train_subset or 0) for c in planned)
    if subset > len(data.x_train):
        raise CnnlabError(f"--train-subset {subset} exceeds the {len(data.x_train):,} training images")
    cache.ensure_writable()
    cache.clean_staging()
    fingerprint = data.fingerprint()
    todo = planned if force else missing_runs(planned, cache, fingerprint)
    print(
        f"{count_of(len(planned), 'run', 'runs')} planned, {len(planned) - len(todo)} already cached, "
        f"{len(todo)} to do (cache {cache.root})",
        file=sys.stderr,
    )
    source = data.source if data.source != "keras.datasets.cifar10" else ""
    if not todo:
        report = None
    elif scheduler:
        from cnnlab.dask_sweep import run_dask

        report = run_dask(todo, cache, source, fingerprint, *scheduler)
    else:
        report = run_local(todo, cache, source, fingerprint, workers=args.workers, force=force)
    if report is not None:
        print(f"{count_of(len(report.done), 'run', 'runs')} finished, {len(report.failed)} failed", file=sys.stderr)
        for config, message in report.failed:
            print(f"  {config.variant} seed {config.seed}: {message}", file=sys.stderr)
    if len(planned) == 1 and cache.is_done(planned[0], fingerprint):
        record = cache.lookup(planned[0], fingerprint)
        accuracy, exact = record.metrics["test_accuracy"], record.metrics["test_exact_accuracy"]
        print(f"test accuracy {accuracy:.2%} (exact first images: {exact:.2%}); run folder {record.path}")
    return 1 if report is not None and report.failed else 0


def _scheduler(args: argparse.Namespace) -> tuple[str, str] | None:
    """The Dask scheduler address and who named it (flag or variable), checked; None for local processes."""
    from cnnlab.dask_sweep import SCHEDULER_ENV, check_scheduler

    if getattr(args, "scheduler", None):
        address, named_by = args.scheduler, "--scheduler"
    elif os.environ.get(SCHEDULER_ENV) and getattr(args, "command", "") == "sweep":
        address, named_by = os.environ[SCHEDULER_ENV], f"${SCHEDULER_ENV}"
    else:
        return None
    check_scheduler(address, named_by)
    return address, named_by


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
    if not cache.root.is_dir():
        named_by = "--cache" if args.cache else "$CNNLAB_CACHE" if os.environ.get("CNNLAB_CACHE") else "the default"
        raise CnnlabError(f"the cache folder {cache.root} does not exist ({named_by}); runs go there once made")
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

    spec = ReportSpec(
        seeds=tuple(parse_seeds(args.seeds)),
        epochs=args.epochs,
        train_subset=args.train_subset,
        allow_incomplete=args.allow_incomplete,
    )
    out = Path(args.out) if args.out else None
    html, pdf = render(
        out, spec, cache=args.cache, data=args.data, resnet50_conv1=args.resnet50_conv1, author=args.author
    )
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "data": cmd_data,
    "run": cmd_run,
    "sweep": cmd_sweep,
    "status": cmd_status,
    "bench": cmd_bench,
    "render": cmd_render,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point: bad input gives one line naming the fix and exit status 2, never a traceback."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = COMMANDS[args.command]
    try:
        return handler(args)
    except CnnlabError as exc:
        print(f"cnnlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cnnlab: interrupted; finished runs are kept, rerun the same command to finish the rest", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `cnnlab status | head`: the reader has gone, as Unix tools expect
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
