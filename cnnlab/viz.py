"""Every figure of the report: one function each, taking results and returning a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

SPLIT_STYLE = {"": ("training", "C0"), "val_": ("validation", "C1"), "test_": ("test", "C2")}


def run_curves(history: pd.DataFrame, title: str = "") -> Figure:
    """Loss and accuracy per epoch of one run: training, validation and test (Q8)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    for ax, metric, label in ((axes[0], "loss", "cross-entropy loss"), (axes[1], "accuracy", "accuracy")):
        for prefix, (split, color) in SPLIT_STYLE.items():
            column = f"{prefix}{metric}"
            if column in history:
                ax.plot(history["epoch"], history[column], color=color, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig
