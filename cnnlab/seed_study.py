"""The seed study's analysis (Q9, Q13): what the spread over seeds is made of, and the fixed order's effect.

Reads the runs of ``studies.GROUPS`` beside the protocol's: tiny VGG with the initialisation alone
varied, with the order alone varied, and with both (the protocol); tiny VGG and +BatchNorm with a new
order at every epoch against Keras's one order for all epochs. Computes; never trains.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from cnnlab.cache import RunCache, RunRecord
from cnnlab.config import RunConfig
from cnnlab.stats import (
    Comparison,
    Interaction,
    StdRatio,
    Summary,
    compare,
    difference_of_differences,
    family,
    holm,
    spread_p,
    std_interval,
    std_ratio,
    summarize,
)
from cnnlab.studies import GROUPS

METRICS = ("test_accuracy", "test_exact_accuracy")  # the full test set and its exact first images


@dataclass
class Study:
    """The study's cached runs per group, the protocol's per variant, and what is still missing."""

    groups: dict[str, list[RunRecord]] = field(default_factory=dict)
    protocol: dict[str, list[RunRecord]] = field(default_factory=dict)
    missing: list[RunConfig] = field(default_factory=list)
    shared: dict[str, list[int]] = field(default_factory=dict)  # per group, positions of runs the protocol holds too

    @property
    def complete(self) -> bool:
        """True when every run of the study and of the protocol's tiny VGG and +BatchNorm is cached."""
        return not self.missing

    def records(self, name: str, own: bool = False) -> list[RunRecord]:
        """A group's runs (``name`` a group, or ``protocol:<variant>``); ``own`` leaves out the runs the protocol
        holds too (seed 0 of the groups that hold one seed fixed)."""
        kind, _, variant = name.partition(":")
        records = self.protocol[variant] if kind == "protocol" else self.groups[name]
        left_out = set(self.shared.get(name, ())) if own else set()
        return [r for i, r in enumerate(records) if i not in left_out]

    def values(self, name: str, metric: str = "test_accuracy", own: bool = False) -> np.ndarray:
        """One metric over a group's runs (see ``records``; ``own`` for tests between groups)."""
        return np.array([r.metrics[metric] for r in self.records(name, own)], dtype=float)

    def matched(self, name: str, metric: str = "test_accuracy") -> np.ndarray:
        """The fixed-order runs (the protocol's, of group ``name``'s variant) of the seeds that group has, so that a
        group still missing seeds is compared with runs of the same seeds."""
        group = next(g for g in GROUPS if g.name == name)
        seeds = {r.config.seed for r in self.groups[name]}
        return np.array([r.metrics[metric] for r in self.protocol[group.variant] if r.config.seed in seeds], float)


def collect_study(cache: RunCache, fingerprint: str, seeds: list[int], **protocol: object) -> Study:
    """Find the study's runs (and the protocol runs it is compared with) for ``seeds``; never raises for gaps."""
    study = Study()

    def find(config: RunConfig) -> RunRecord | None:
        record = cache.lookup(config, fingerprint)
        if record is None or record.state != "done":
            study.missing.append(config)
            return None
        return record

    variants = sorted({g.variant for g in GROUPS})
    for variant in variants:
        found = [find(RunConfig(variant, seed, **protocol)) for seed in seeds]  # type: ignore[arg-type]
        study.protocol[variant] = [r for r in found if r is not None]
    for group in GROUPS:
        study.groups[group.name] = []
        for seed in seeds:
            config = group.config(seed, **protocol)
            record = find(config)
            if record is None:
                continue
            if config.key_fields() == RunConfig(group.variant, seed, **protocol).key_fields():  # type: ignore[arg-type]
                study.shared.setdefault(group.name, []).append(len(study.groups[group.name]))
            study.groups[group.name].append(record)
    study.missing = list(dict.fromkeys(study.missing))  # the shared seed-0 run is named once
    return study


@dataclass(frozen=True)
class Spread:
    """One source of the spread of tiny VGG's test accuracy over seeds: the std with its 95 % interval."""

    title: str
    summary: Summary
    std_low: float
    std_high: float


@dataclass(frozen=True)
class Decomposition:
    """The spread over initialisation alone, order alone and both, and whether the three differ."""

    spreads: tuple[Spread, ...]
    differ_p: float  # Brown-Forsythe test that the three spreads differ
    init_vs_both: StdRatio  # std(initialisation alone) / std(both)
    order_vs_both: StdRatio
    init_vs_order: Comparison  # mean(initialisation alone) - mean(order alone): what each fixed partner shifts
    shared: bool  # whether the tests left out a run the groups share with the protocol


def _spread(title: str, values: np.ndarray) -> Spread:
    low, high = std_interval(values)
    return Spread(title, summarize(values), low, high)


def decompose(study: Study, metric: str = "test_accuracy") -> Decomposition:
    """Q9: how much of the protocol's spread the initialisation and the order each make alone. Each spread is
    over all its group's runs; the tests between groups leave a run shared with the protocol in the protocol's
    group only, so that the groups they compare hold no run in common (they still share, seed by seed, the initial
    weights or the order, which the tests treat as independent draws)."""
    init, order, both = (study.values(n, metric) for n in ("init", "order", "protocol:tiny_vgg"))
    spreads = (
        _spread("initialisation alone", init),
        _spread("order alone", order),
        _spread("both (the protocol)", both),
    )
    init, order = (study.values(n, metric, own=True) for n in ("init", "order"))
    shared = any(study.shared.get(n) for n in ("init", "order"))
    ratios = std_ratio(init, both), std_ratio(order, both)
    return Decomposition(spreads, spread_p(init, order, both), *ratios, compare(init, order), shared)


def reshuffling_family(study: Study, metric: str = "test_accuracy") -> dict[str, Comparison]:
    """Q6/Q13 as one family per test set: each reshuffled group against its variant's fixed order, Holm-corrected
    over the groups, as the report corrects a question asked of several variants; empty until every group and its
    protocol runs have two runs at least."""
    pairs = {
        g.name: (study.values(g.name, metric), study.matched(g.name, metric))
        for g in GROUPS
        if g.fixed.get("shuffle") == "every_epoch"
    }
    if any(min(len(a), len(b)) < 2 for a, b in pairs.values()):
        return {}  # the family is the two variants: no verdict until both can be tested
    return family(pairs)


def batchnorm_deficit(study: Study, reshuffled: bool, metric: str = "test_accuracy") -> Comparison:
    """+BatchNorm minus tiny VGG, with a new order every epoch or with Keras's fixed order (the protocol's runs of
    the seeds the reshuffled groups have)."""
    if reshuffled:
        return compare(study.values("reshuffled_bn", metric), study.values("reshuffled", metric))
    return compare(study.matched("reshuffled_bn", metric), study.matched("reshuffled", metric))


def deficit_change(study: Study, metric: str = "test_accuracy") -> Interaction:
    """How much a new order every epoch changes +BatchNorm minus tiny VGG: (reshuffled deficit) - (fixed deficit),
    positive when reshuffling narrows a deficit, as it would if part of it came from Keras's fixed order."""
    return difference_of_differences(
        *(study.matched(name, metric) for name in ("reshuffled_bn", "reshuffled")),
        *(study.values(name, metric) for name in ("reshuffled_bn", "reshuffled")),
    )


@dataclass(frozen=True)
class Deficit:
    """+BatchNorm minus tiny VGG on one test set: with the fixed order, with a new order every epoch, and how much
    reshuffling changes it; the last two Holm-corrected over the test sets, as both ask one question."""

    fixed: Comparison
    reshuffled: Comparison  # its holm_welch_p is set
    change: Interaction
    change_holm_p: float


def deficits(study: Study) -> dict[str, Deficit]:
    """The BatchNorm deficit on each test set of ``METRICS``."""
    new = {m: batchnorm_deficit(study, True, m) for m in METRICS}
    change = {m: deficit_change(study, m) for m in METRICS}
    new_holm, change_holm = holm([new[m].welch_p for m in METRICS]), holm([change[m].p for m in METRICS])
    return {
        m: Deficit(batchnorm_deficit(study, False, m), replace(new[m], holm_welch_p=float(h)), change[m], float(c))
        for m, h, c in zip(METRICS, new_holm, change_holm, strict=True)
    }
