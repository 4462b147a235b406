"""How far BatchNorm's stored statistics are from those the final weights produce, and how the report reads it."""

import numpy as np
import pandas as pd
import pytest

from cnnlab import statistics_gap
from cnnlab.derived import derived_path
from cnnlab.statistics_gap import StatisticsGap, normalisation_error
from tests.tiny_run import tiny_data, tiny_run


def test_normalisation_error_is_the_root_mean_square_error_of_the_normalised_value():
    rng = np.random.default_rng(0)
    true_mean, true_sd = np.array([0.0, 2.0, -1.0]), np.array([1.0, 3.0, 0.5])
    mean, sd = np.array([0.0, 2.6, -1.0]), np.array([1.0, 3.0, 0.25])
    x = true_mean + true_sd * rng.standard_normal((400_000, 3))
    simulated = np.sqrt(((((x - mean) / sd) - (x - true_mean) / true_sd) ** 2).mean(axis=0))
    error = normalisation_error((mean, sd**2), (true_mean, true_sd**2), epsilon=0.0)
    assert error[0] == 0.0  # right statistics: no error
    assert error == pytest.approx(simulated, rel=0.01)
    assert error[1] == pytest.approx(0.2)  # the mean off by a fifth of a standard deviation
    assert error[2] == pytest.approx(1.0)  # the standard deviation taken as half the true one


def test_a_run_gives_one_error_per_channel_of_each_batchnorm_layer_and_is_cached():
    record, data = tiny_run("tiny_vgg_bn"), tiny_data()
    result = statistics_gap.statistics_gap_table({"tiny_vgg_bn": [record]}, data).iloc[0]
    assert result["layers"] == ["block1_bn1", "block1_bn2", "block2_bn1", "block2_bn2"]
    assert [len(layer) for layer in result["errors"]] == [10, 10, 10, 10]
    assert [len(layer) for layer in result["floor"]] == [10, 10, 10, 10]
    # after one epoch on 300 images the stored averages (momentum 0.99) are still near their start: far off
    assert np.median(np.concatenate(result["errors"])) > np.median(np.concatenate(result["floor"]))
    assert derived_path(record, statistics_gap.ANALYSIS, statistics_gap.VERSION).is_file()


def _gap(errors: list[float], gains: list[float], floor: float = 0.01, variant: str = "v") -> StatisticsGap:
    seeds = range(len(errors))
    table = pd.DataFrame(
        {"variant": variant, "seed": seeds, "errors": [[[e, e]] for e in errors], "floor": [[[floor]]] * len(errors)}
    )
    return StatisticsGap(table, pd.DataFrame({"variant": variant, "seed": seeds, "gain": gains}))


def test_a_seed_whose_gain_stands_out_but_not_its_error_is_read_as_sensitivity():
    gap = _gap([0.05, 0.08, 0.10, 0.06], [0.01, 0.02, 0.03, 0.09])
    said = gap.seed_text("v", 3)
    assert said.startswith(
        "Seed 3's stored statistics are within the range of its other seeds' (normalisation "
        "error 0.060, against 0.050 to 0.100), yet recomputing them changes its accuracy by +9.0 pp"
    )
    assert "not their error" in said
    assert "further off than any other seed's" in gap.seed_text("v", 2)
    assert "not their error" not in gap.seed_text("v", 2)
    # below the others' range is not "within" it; furthest off with the smallest gain reads "yet"
    assert "closer than any other seed's" in gap.seed_text("v", 0)
    odd = _gap([0.05, 0.08, 0.10, 0.20], [0.03, 0.02, 0.04, -0.01]).seed_text("v", 3)
    assert "further off than any other seed's" in odd and "yet recomputing them changes its accuracy by −1.0 pp" in odd


def test_the_summary_counts_the_runs_beyond_sampling_and_the_relation_needs_a_rank_correlation():
    gap = _gap([0.05, 0.005, 0.10, 0.06], [0.01, 0.02, 0.03, 0.09])
    said = gap.summary_text("v")
    assert "in three of the four runs the stored statistics are further off than sampling" in said
    assert said.endswith("(5.0 to 10.0 times).")  # not all of them: no verdict on the statistics
    assert gap.summary_text("v").count("do not match") == 0
    assert "do not match the weights they serve" in _gap([0.05, 0.06, 0.07], [0.01] * 3).summary_text("v")
    assert "in no run are the stored statistics further off" in _gap([0.005, 0.008], [0.01] * 2).summary_text("v")
    assert gap.summary_text("other") == ""
    assert gap.relation_text() == ""  # four runs: too few for a rank correlation
    flat = _gap([0.01, 0.02, 0.03, 0.04, 0.05, 0.06], [0.03, 0.01, 0.06, 0.02, 0.05, 0.04])
    assert "is not shown to follow that error" in flat.relation_text()
    rising = _gap([0.01, 0.02, 0.03, 0.04, 0.05, 0.06], [0.01, 0.02, 0.03, 0.04, 0.05, 0.06])
    assert "rises with that error (Spearman's ρ = 1.00, p < 0.001)." in rising.relation_text()
    falling = _gap([0.01, 0.02, 0.03, 0.04, 0.05, 0.06], [0.06, 0.05, 0.04, 0.03, 0.02, 0.01])
    assert "falls as that error grows" in falling.relation_text()
    assert "in both runs" in _gap([0.05, 0.06], [0.01, 0.02]).summary_text("v")
