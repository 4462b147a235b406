"""Figures name the variants as the report does and label their axes."""

import matplotlib
import numpy as np
import pandas as pd

from cnnlab import viz

matplotlib.use("Agg")

LABELS = {"tiny_vgg": "tiny VGG", "tiny_vgg_bn": "tiny VGG + BatchNorm"}


def _history(level: float) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [1, 2, 3], "val_accuracy": [level, level + 0.1, level + 0.2]})


def test_seed_scatter_names_variants_with_their_seed_counts():
    table = pd.DataFrame(
        {"variant": ["tiny_vgg"] * 3 + ["tiny_vgg_bn"] * 2, "test_accuracy": [0.6, 0.62, 0.61, 0.58, 0.6]}
    )
    ax = viz.seed_scatter(table, labels=LABELS).axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["tiny VGG\n(n = 3)", "tiny VGG + BatchNorm\n(n = 2)"]
    assert ax.get_ylabel() == "test accuracy (%)"
    unlabelled = viz.seed_scatter(table).axes[0]
    assert [t.get_text().split("\n")[0] for t in unlabelled.get_xticklabels()] == ["tiny_vgg", "tiny_vgg_bn"]


def test_variant_curves_and_per_class_bars_use_display_names():
    curves = viz.variant_curves(
        {"tiny_vgg": [_history(0.3)], "tiny_vgg_bn": [_history(0.2), _history(0.25)]}, labels=LABELS
    )
    ax = curves.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tiny VGG (n = 1)", "tiny VGG + BatchNorm (n = 2)"]
    assert ax.get_ylabel() == "validation accuracy" and ax.get_xlabel() == "epoch"
    bars = viz.per_class_accuracy({"tiny_vgg_bn": np.full((2, 10), 0.5)}, labels=LABELS).axes[0]
    assert [t.get_text() for t in bars.get_legend().get_texts()] == ["tiny VGG + BatchNorm (n = 2)"]
    assert [t.get_text() for t in bars.get_xticklabels()][:2] == ["airplane", "automobile"]
