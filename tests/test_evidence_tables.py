"""The evidence tables from made-up per-run frames, and the seed figure."""

import math

import pandas as pd
import pytest

from cnnlab import evidence_tables
from cnnlab.evidence_figures import seed_against_others

LABELS = {"tiny_vgg": "tiny VGG", "tiny_vgg_bn": "tiny VGG + BatchNorm"}


def test_jpeg_table_gives_drops_and_the_jpeg_part_of_the_gap():
    frame = pd.DataFrame(
        {
            "variant": ["tiny_vgg", "tiny_vgg", "tiny_vgg_bn", "tiny_vgg_bn"],
            "exact": [0.66, 0.65, 0.64, 0.65],
            "jpeg": [0.63, 0.63, 0.60, 0.61],
            "drop": [0.03, 0.02, 0.04, 0.04],
            "drop_recomputed": [None, None, 0.03, 0.03],
        }
    )
    lines = evidence_tables.jpeg(frame, {"tiny_vgg": 0.025, "tiny_vgg_bn": 0.04}, 0.9, LABELS).splitlines()
    assert lines[2] == "| tiny VGG | 65.50 ± 0.71 | 63.00 ± 0.00 | 2.50 ± 0.71 | n/a | 2.50 | 90 % |"
    assert lines[3].endswith("| 3.00 ± 0.00 | 4.00 | 90 % |")


def test_stopping_table_one_row_per_variant():
    frame = pd.DataFrame(
        {
            "variant": ["tiny_vgg"] * 2,
            "epochs": [100, 100],
            "min_val_loss_epoch": [50, 70],
            "val_loss_rise": [0.02, 0.04],
            "test_loss_rise": [0.05, 0.07],
            "best_val_accuracy_epoch": [80, 90],
            "test_accuracy_at_best_val": [0.63, 0.64],
            "final_test_accuracy": [0.62, 0.63],
        }
    )
    lines = evidence_tables.stopping(frame, LABELS).splitlines()
    assert "test acc., epoch 100 (%)" in lines[0]
    assert lines[2] == "| tiny VGG | 60 ± 14 | 0.030 ± 0.014 | 0.060 ± 0.014 | 85 ± 7 | 63.50 ± 0.71 | 62.50 ± 0.71 |"


def test_modes_table_gives_batch_statistics_a_second_row_only_with_batchnorm():
    frame = pd.DataFrame(
        {
            "variant": ["tiny_vgg", "tiny_vgg_bn"],
            "batchnorm": [False, True],
            **{c: [0.7, 0.7] for c in ("train_inference", "validation_inference", "test_inference")},
            "train_training": [None, 0.75],
            "validation_training": [None, 0.66],
            "test_training": [None, 0.62],
            "gap_inference": [0.08, 0.1],
            "gap_training": [None, 0.09],
        }
    )
    lines = evidence_tables.modes(frame, LABELS).splitlines()
    assert len(lines) == 5 and "n/a" not in "".join(lines)
    assert lines[2].startswith("| tiny VGG | none | 70.00 |") and lines[2].endswith("| 8.00 |")
    assert lines[3].startswith("| tiny VGG + BatchNorm | running (test time) | 70.00 |")
    assert lines[4] == "|  | batch (training) | 75.00 | 66.00 | 62.00 | 9.00 |"


def test_median_iqr_and_parameters():
    assert evidence_tables.median_iqr([0.60, 0.62, 0.64]) == "62.0 [61.0, 63.0]"
    rows = {
        "a": [
            {"layer": "conv", "parameters": 10},
            {"layer": "pool", "parameters": 0},
            {"layer": "dense", "parameters": 5},
        ],
        "b": [
            {"layer": "conv", "parameters": 10},
            {"layer": "conv3", "parameters": 7},
            {"layer": "dense", "parameters": 2},
        ],
    }
    lines = evidence_tables.parameters(rows).splitlines()
    assert lines[2:] == [  # in network order: the third block's layer before the dense layer both have
        "| conv | 10 | 10 |",
        "| conv3 | – | 7 |",
        "| dense | 5 | 2 |",
        "| **total** | **15** | **19** |",
    ]


def test_seed_against_others_draws_three_panels_and_checks_the_seed():
    history = pd.DataFrame(
        {"epoch": [1, 2], "loss": [1.0, 0.9], "val_accuracy": [0.5, 0.6], "test_accuracy": [0.5, 0.55]}
    )
    fig = seed_against_others([history, history * 1.01], [0, 8], 8)
    assert len(fig.axes) == 3 and not math.isnan(fig.axes[1].get_ylim()[0])
    with pytest.raises(ValueError, match="seed 3"):
        seed_against_others([history], [0], 3)
