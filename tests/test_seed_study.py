"""The seed study's analysis: which runs belong to which group, and the statistics taken over them."""

from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from cnnlab.cache import RunCache
from cnnlab.data import load_local
from cnnlab.record import write_run_files
from cnnlab.seed_study import Study, batchnorm_deficit, collect_study, decompose, reshuffling_family
from cnnlab.studies import GROUPS, study_configs
from cnnlab.train import train_run

QUICK = {"epochs": 1, "train_subset": 200}


def _records(values: list[float], exact_offset: float = 0.02) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            metrics={"test_accuracy": v, "test_exact_accuracy": v + exact_offset}, config=SimpleNamespace(seed=i)
        )
        for i, v in enumerate(values)
    ]


def _study(init: list[float], order: list[float], both: list[float]) -> Study:
    vgg = _records(both)
    study = Study(
        groups={
            "init": _records(init),
            "order": _records(order),
            "reshuffled": _records([v + 0.01 for v in both]),
            "reshuffled_bn": _records([v - 0.02 for v in both]),
        },
        protocol={"tiny_vgg": vgg, "tiny_vgg_bn": _records([v - 0.03 for v in both])},
    )
    return study


def test_the_study_plans_each_group_once_per_seed_sharing_the_protocol_seed_zero():
    configs = study_configs("seeds", [0, 1], **QUICK)
    # Seed 0 of "initialisation alone" and of "order alone" are both the protocol's seed-0 run.
    assert len(configs) == 2 * len(GROUPS) - 1
    assert {(c.init_seed, c.order_seed) for c in configs if c.variant == "tiny_vgg" and c.shuffle == "keras"} == {
        (0, 0),
        (1, 0),
        (0, 1),
    }


def test_collect_finds_what_is_cached_and_names_what_is_missing(tiny_data_dir, tmp_path):
    data = load_local(tiny_data_dir)
    cache = RunCache(tmp_path / "cache")
    for config in study_configs("seeds", [0], **QUICK)[:2]:  # the shared seed-0 run and reshuffled seed 0
        staging = cache.new_staging(config.variant)
        write_run_files(staging, train_run(config, data), data, datetime.now(UTC))
        cache.commit(staging, config, data.fingerprint())
    study = collect_study(cache, data.fingerprint(), [0], **QUICK)
    assert [len(study.groups[g.name]) for g in GROUPS] == [1, 1, 1, 0]
    # the protocol's seed-0 run is the first run of both groups that hold a seed fixed; tests between groups drop it
    assert (
        study.shared == {"init": [0], "order": [0]}
        and study.groups["init"][0].path == study.protocol["tiny_vgg"][0].path
    )
    assert study.values("init", own=True).size == 0 and study.values("reshuffled", own=True).size == 1
    assert len(study.protocol["tiny_vgg"]) == 1 and study.protocol["tiny_vgg_bn"] == []
    assert not study.complete and {(c.variant, c.shuffle) for c in study.missing} == {
        ("tiny_vgg_bn", "keras"),
        ("tiny_vgg_bn", "every_epoch"),
    }


def test_decomposition_tells_a_smaller_spread_apart():
    rng = np.random.default_rng(0)
    both = list(0.63 + 0.010 * rng.standard_normal(10))
    init = list(0.63 + 0.010 * rng.standard_normal(10))
    order = list(0.63 + 0.001 * rng.standard_normal(10))  # the order alone barely matters here
    result = decompose(_study(init, order, both))
    titles = [s.title for s in result.spreads]
    assert titles == ["initialisation alone", "order alone", "both (the protocol)"]
    stds = {s.title: s.summary.std for s in result.spreads}
    assert stds["order alone"] < stds["initialisation alone"]
    for spread in result.spreads:
        assert spread.std_low < spread.summary.std < spread.std_high
    assert result.differ_p < 0.05 and result.order_vs_both.ci_high < 1 < result.init_vs_both.ci_high


def test_reshuffling_and_the_batchnorm_deficit_are_signed_differences():
    both = [0.62, 0.63, 0.64, 0.63, 0.62]
    study = _study(both, both, both)
    reshuffled = reshuffling_family(study)
    assert list(reshuffled) == ["reshuffled", "reshuffled_bn"]
    assert reshuffled["reshuffled"].difference == pytest.approx(0.01)  # new order minus tiny VGG's fixed order
    assert reshuffled["reshuffled_bn"].difference == pytest.approx(0.01)  # -0.02 against +BatchNorm's -0.03
    assert batchnorm_deficit(study, reshuffled=False).difference == pytest.approx(-0.03)
    assert batchnorm_deficit(study, reshuffled=True).difference == pytest.approx(-0.03)
    exact = reshuffling_family(study, metric="test_exact_accuracy")
    assert exact["reshuffled_bn"].difference == pytest.approx(0.01)


def test_tests_between_the_groups_leave_out_the_run_they_share_with_the_protocol():
    rng = np.random.default_rng(1)
    both = list(0.63 + 0.010 * rng.standard_normal(10))
    init = [both[0], *(0.61 + 0.004 * rng.standard_normal(9))]  # seed 0 is the protocol's run, far from the rest
    order = [both[0], *(0.64 + 0.004 * rng.standard_normal(9))]
    study = _study(init, order, both)
    study.shared = {"init": [0], "order": [0]}
    result = decompose(study)
    assert result.spreads[0].summary.n == 10 and result.shared  # the spread is over all of a group's runs
    own_init, own_order = np.array(init[1:]), np.array(order[1:])
    assert result.init_vs_order.difference == pytest.approx(own_init.mean() - own_order.mean())
    assert result.init_vs_both.ratio == pytest.approx(own_init.std(ddof=1) / np.std(both, ddof=1))
    assert result.differ_p == pytest.approx(stats.levene(own_init, own_order, both, center="median").pvalue)
