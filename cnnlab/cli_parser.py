"""The ``cnnlab`` command line's parser: one subcommand per task, with defaults from ``RunConfig``."""

from __future__ import annotations

import argparse

from cnnlab.config import PRECISIONS, SHUFFLES


def _variant_help() -> str:
    from cnnlab.models import variant_help

    return variant_help()


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

    parser.add_argument("--variants", default="all", help=f"comma-separated list or 'all': {_variant_help()}")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help=f"runs at a time (default {default_workers()}: one per core)",
    )


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

    p = sub.add_parser(
        "run",
        help="train one variant with one seed into the cache",
        description="Execute report/run.ipynb for one (variant, seed) and keep the run in the "
        "cache. A cached run is not redone unless --force.",
    )
    p.add_argument("variant", help=_variant_help())
    p.add_argument("--seed", type=int, required=True, help="random seed (>= 0)")
    p.add_argument("--force", action="store_true", help="redo the run even if it is cached")
    _add_protocol(p)
    _add_places(p)

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
        default=None,
        metavar="ADDRESS",
        help="run the tasks on a Dask cluster: tcp://HOST:8786, or local:N for a LocalCluster of N "
        "processes (default: $CNNLAB_SCHEDULER, else local processes, see --workers)",
    )
    _add_protocol(p)
    _add_places(p)

    p = sub.add_parser(
        "status",
        help="every cached run and mean ± std per variant",
        description="List every run folder in the cache (done or corrupt) with its test "
        "accuracy, and the mean ± std test accuracy per variant so far.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array with one object per run folder")
    _add_places(p)

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
    p.add_argument("--precision", default=_default("precision"), choices=PRECISIONS)
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

    p = sub.add_parser(
        "render",
        help="write _output/report.html and report.pdf without Quarto",
        description="Execute the report's chapters against the cache (they never train) and "
        "write one self-contained HTML and one PDF (pandoc + Typst). Stops naming "
        "the missing runs unless --allow-incomplete. A chapter whose source, code, settings and runs "
        "are unchanged since the last render into the same folder is reused from DIR/.chapters "
        "(two chapters execute at a time otherwise).",
    )
    p.add_argument("--out", metavar="DIR", default=None, help="output folder (default: _output)")
    p.add_argument("--seeds", default="0-9", help="seeds the report uses (default 0-9)")
    p.add_argument(
        "--epochs", type=int, default=_default("epochs"), help="epochs of the runs to report (default %(default)s)"
    )
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
        "--author",
        metavar="NAME",
        default=None,
        help="the name on the title page (default: book.author in _quarto.yml, which you can edit instead)",
    )
    p.add_argument(
        "--resnet50-conv1",
        metavar="NPZ",
        default=None,
        help="offline Q12: .npz with ResNet50's conv1_conv kernel and bias (default: "
        "$CNNLAB_RESNET50_CONV1, else download the ImageNet weights through Keras)",
    )
    _add_places(p)
    return parser
