"""Figures of the evidence behind the report's claims; each takes results and returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from cnnlab.viz import TEXT_WIDTH

HIGHLIGHT, OTHERS = "#c0392b", "#9e9e9e"


def seed_against_others(histories: list[pd.DataFrame], seeds: list[int], highlighted: int, title: str = "") -> Figure:
    """Validation and test accuracy per epoch of one seed (in colour) against each of the other seeds (grey)."""
    if highlighted not in seeds or len(histories) != len(seeds):
        raise ValueError(f"seed {highlighted} is not among the {len(seeds)} seeds given with their histories")
    fig, axes = plt.subplots(1, 3, figsize=(TEXT_WIDTH, 2.4), layout="constrained", sharex=True)
    panels = (
        ("loss", "training loss", 1),
        ("val_accuracy", "validation accuracy (%)", 100),
        ("test_accuracy", "test accuracy (%)", 100),
    )
    for ax, (column, name, scale) in zip(axes, panels, strict=True):
        for seed, history in zip(seeds, histories, strict=True):
            if seed != highlighted:
                ax.plot(history["epoch"], history[column] * scale, color=OTHERS, linewidth=0.7, alpha=0.8)
        chosen = histories[seeds.index(highlighted)]
        ax.plot(chosen["epoch"], chosen[column] * scale, color=HIGHLIGHT, linewidth=1.4, label=f"seed {highlighted}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    axes[0].plot([], [], color=OTHERS, linewidth=0.7, label="other seeds")
    axes[0].legend()
    if title:
        fig.suptitle(title)
    return fig
