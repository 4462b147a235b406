"""BatchNorm's deficit taken apart on the exact test images: what batch statistics recover, and what stays."""

import numpy as np
import pandas as pd

from cnnlab.exact_deficit import ExactDeficit
from tests.test_verdicts import _contrast


def _deficit(running: list[float], batch: list[float], baseline: list[float], trained=None) -> ExactDeficit:
    table = pd.DataFrame(
        {"variant": "v", "seed": range(len(running)), "exact_inference": running, "exact_training": batch}
    )
    return ExactDeficit(table, np.array(baseline), "tiny VGG", 1000, trained or {})


def test_a_deficit_that_batch_statistics_remove_is_not_confirmed_beyond_them():
    deficit = _deficit(
        [0.62, 0.63, 0.61, 0.62, 0.64], [0.65, 0.655, 0.64, 0.66, 0.665], [0.65, 0.66, 0.64, 0.655, 0.66]
    )
    said = deficit.text("v")
    assert said.startswith("On the exact 1,000 images its deficit as trained is 2.90 pp: batch statistics change")
    assert "paired t-test" in said and "not detectably below the tiny VGG there" in said
    assert "the running statistics may account for the whole deficit" in said
    assert "against the tiny VGG, not significant." in deficit.brief("v")


def test_a_deficit_that_stays_with_batch_statistics_is_said_to_stay():
    deficit = _deficit(
        [0.60, 0.61, 0.59, 0.60, 0.62], [0.61, 0.62, 0.60, 0.615, 0.625], [0.65, 0.66, 0.64, 0.655, 0.66]
    )
    assert "a deficit beyond the running statistics stays where compression plays no part" in deficit.text("v")
    assert "significant after Holm." in deficit.brief("v")
    assert deficit.text("other") == "" and deficit.brief("other") == ""


def test_no_split_is_said_where_there_is_no_deficit_or_no_batch_statistics():
    ahead = _deficit([0.66, 0.67, 0.65, 0.66, 0.68], [0.65, 0.655, 0.64, 0.66, 0.665], [0.65, 0.66, 0.64, 0.655, 0.66])
    assert ahead.text("v") == ""  # ahead of the tiny VGG as trained: nothing to take apart
    unscored = _deficit([0.62, 0.63], [float("nan"), float("nan")], [0.65, 0.66])
    assert unscored.text("v") == "" and unscored.brief("v") == ""


def test_the_whole_deficit_is_given_to_the_running_statistics_only_where_they_cost_accuracy():
    # batch statistics lower the accuracy a little, and the baseline is too noisy to tell: not detectably below,
    # yet the running statistics cannot be what the deficit is made of
    running = [0.63, 0.66, 0.62, 0.65, 0.64]
    batch = [r - d for r, d in zip(running, [0.004, 0.006, 0.005, 0.005, 0.004], strict=True)]
    said = _deficit(running, batch, [0.60, 0.70, 0.62, 0.68, 0.65]).text("v")
    assert "batch statistics change its accuracy by −0.48 pp" in said and "not detectably below" in said
    assert "may account for the whole deficit" not in said


def test_a_deficit_not_significant_as_trained_is_not_apportioned():
    running, batch, base = (
        [0.62, 0.63, 0.61, 0.62, 0.64],
        [0.65, 0.655, 0.64, 0.66, 0.665],
        [0.65, 0.66, 0.64, 0.655, 0.66],
    )
    unshown = _contrast(-0.013, 0.01, holm=0.127)  # as trained on the exact images: not significant after Holm
    said = _deficit(running, batch, base, {"v": unshown}).text("v")
    assert "its deficit as trained is not significant there either (Holm p = 0.127)" in said
    assert said.endswith("so these images cannot apportion it.") and "whole deficit" not in said
