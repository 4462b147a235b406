"""BatchNorm's deficit taken apart on the exact test images: what batch statistics recover, and what stays."""

import numpy as np
import pandas as pd

from cnnlab.exact_deficit import ExactDeficit


def _deficit(running: list[float], batch: list[float], baseline: list[float]) -> ExactDeficit:
    table = pd.DataFrame(
        {"variant": "v", "seed": range(len(running)), "exact_inference": running, "exact_training": batch}
    )
    return ExactDeficit(table, np.array(baseline), "tiny VGG", 1000)


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
