"""The report's markdown tables from made-up run tables, layer rows and comparisons."""

import pandas as pd

from cnnlab import tables
from cnnlab.stats import Comparison

LABELS = {"tiny_vgg": "tiny VGG", "tiny_resnet": "tiny ResNet"}


def _table() -> pd.DataFrame:
    rows = []
    for variant, accuracies in (("tiny_vgg", [0.60, 0.62]), ("tiny_resnet", [0.64, 0.66, 0.65])):
        for seed, acc in enumerate(accuracies):
            rows.append(
                {
                    "variant": variant,
                    "seed": seed,
                    "test_accuracy": acc,
                    "test_exact_accuracy": acc + 0.01,
                    "test_loss": 1.0,
                    "parameters": 9420,
                    "trainable_parameters": 9420,
                    "median_epoch_seconds": 2.0,
                    "best_val_epoch": 10 + seed,
                    "final_gap": 0.1,
                    "duration_s": 600.0,
                }
            )
    return pd.DataFrame(rows)


def test_summary_has_one_row_per_variant_in_table_order_with_n():
    lines = tables.summary(_table(), LABELS).splitlines()
    assert "exact first 1,000" in lines[0] and len(lines) == 4
    assert lines[2].startswith("| tiny VGG | 2 | 9,420 | 0 | 61.00 ± 1.41 % | 61.0 [60.5, 61.5] | 62.00 ± 1.41 %")
    assert lines[3].startswith("| tiny ResNet | 3 |") and "best val. acc. epoch" in lines[0]


def test_summary_gives_the_epoch_of_lowest_validation_loss_when_the_table_has_it():
    table = _table().assign(min_val_loss_epoch=[40, 60, 30, 30, 30])
    lines = tables.summary(table, LABELS).splitlines()
    assert "min. val. loss epoch" in lines[0] and "| 50 ± 14 |" in lines[2] and "| 30 ± 0 |" in lines[3]
    assert "| unknown |" in tables.summary(_table().replace("tiny_vgg", "unknown"), LABELS)  # unlabelled: its name


def test_comparisons_show_raw_and_holm_p_for_welch_mann_whitney_and_levene():
    c = Comparison(0.03, 0.01, 0.05, 3.0, 0.004, 1.2, 0.5, 0.8, 0.0004, 0.012, 0.0012, 1.0)
    single = Comparison(0.03, 0.01, 0.05, 3.0, 0.004, 1.2, 0.5, 0.8, 0.02)  # in no family: raw p only
    text = tables.comparisons(
        [
            ("tiny ResNet", "full", "3 vs 2", c),
            ("a", "full", "3 vs 2", single),
            ("tiny VGG + BatchNorm", "full", "1 vs 2", None),
        ]
    )
    lines = text.splitlines()
    assert "| Welch p (Holm) | Mann–Whitney p (Holm) |" in lines[0] and "| Levene p (Holm) |" in lines[0]
    assert lines[2] == (
        "| tiny ResNet | full | 3 vs 2 | +3.00 | [1.00, 5.00] | 0.004 (0.012) | < 0.001 (0.001) | 1.20 | 0.80 "
        "| 0.500 (1.000) |"
    )
    assert "| 0.004 | 0.020 |" in lines[3] and lines[4].count("n/a") == 7


def test_summary_gives_the_inference_mode_gap_when_the_table_has_it():
    table = _table().assign(gap_inference=[0.08, 0.09, 0.05, 0.04, 0.06])
    lines = tables.summary(table, LABELS).splitlines()
    assert "train − val. gap (pp)" in lines[0] and lines[2].endswith("| 8.50 ± 0.71 |")
    assert "gap" not in tables.summary(_table(), LABELS).splitlines()[0]  # the history's gap is never shown


def test_seeds_table_ends_with_the_mean_row():
    table = _table()
    lines = tables.seeds(table[table["variant"] == "tiny_vgg"]).splitlines()
    assert "exact 1,000" in lines[0] and len(lines) == 5
    mean_row = "| **mean ± std (n = 2)** | **61.00 ± 1.41 %** | 62.00 ± 1.41 % | 1.000 ± 0.000 | 10 ± 1 |"
    assert lines[-1].startswith(mean_row)  # every column with its spread


def test_layers_table_totals_the_parameters_and_gives_each_window():
    rows = [
        {"layer": "image", "type": "InputLayer", "output_shape": (32, 32, 3), "parameters": 0},
        {"layer": "conv", "type": "Conv2D", "output_shape": (32, 32, 10), "parameters": 280, "window": (3, 3)},
        {"layer": "dense", "type": "Dense", "output_shape": (10,), "parameters": 1234, "activation": "softmax"},
    ]
    lines = tables.layers(rows).splitlines()
    assert "| image | InputLayer |  | 32 × 32 × 3 | 0 |" in lines and lines[-1] == "| **total** |  |  |  | **1,514** |"
    assert "| conv | Conv2D | 3 × 3 | 32 × 32 × 10 | 280 |" in lines  # the kernel's size
    assert "| dense | Dense + softmax |  | 10 | 1,234 |" in lines  # the activation the layer applies itself


def test_runs_and_banner():
    table = _table().assign(resumed_at=[[], [37], [], [12, 80], []])
    lines = tables.runs(table, LABELS).splitlines()
    assert lines[0].endswith("| duration (min) | resumed after epoch |")
    assert lines[2] == "| tiny VGG | 0 | 60.00 % | 2.0 | 10.0 | – |"
    assert lines[3].endswith("| 10.0 | 37 |") and lines[5].endswith("| 12, 80 |")
    assert tables.banner([], 8) == ""
    banner = tables.banner([("tiny_resnet", 2)], 8)
    assert "1 of 8 runs are missing (tiny_resnet seed 2)" in banner and banner.startswith("::: {.warning}")
