"""Figures of the final scores: each seed's test accuracy, per-class accuracy, and the confusion matrix."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cnnlab.data import CLASS_NAMES
from cnnlab.viz import MIN_FONT, TEXT_WIDTH, display_name


def seed_scatter(
    table: pd.DataFrame,
    column: str = "test_accuracy",
    label: str = "test accuracy, full test set",
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Each seed's value per variant (dots), with mean ± std (bars): spread over initialisations."""
    variants = list(dict.fromkeys(table["variant"]))
    fig, ax = plt.subplots(figsize=(min(TEXT_WIDTH, 1.2 * len(variants) + 1.6), 2.6), layout="constrained")
    for i, variant in enumerate(variants):
        values = table.loc[table["variant"] == variant, column].to_numpy(dtype=float) * 100
        jitter = np.linspace(-0.12, 0.12, len(values))
        ax.scatter(i + jitter, values, color=f"C{i}", s=18, alpha=0.8, zorder=3)
        std = values.std(ddof=1) if len(values) > 1 else 0.0
        ax.errorbar(i + 0.3, values.mean(), yerr=std, fmt="o", color="black", capsize=4, zorder=4)
    ticks = [f"{display_name(v, labels)}\n(n = {(table['variant'] == v).sum()})" for v in variants]
    ax.set_xticks(range(len(variants)), ticks)
    ax.set_ylabel(f"{label} (%)")
    ax.grid(alpha=0.3, axis="y")
    return fig


def seed_strip(values: np.ndarray, seeds: np.ndarray, label: str = "test accuracy, full test set") -> Figure:
    """One variant's seeds on a single axis, each dot numbered with its seed, and mean ± std below them: a
    strip as wide as the text and barely taller than its labels (Q9)."""
    values = np.asarray(values, dtype=float) * 100
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 1.25), layout="constrained")
    ax.scatter(values, np.zeros_like(values), color="C0", s=22, zorder=3)
    apart = 0.03 * max(np.ptp(values), 1e-9)  # closer than this, two numbers would touch on one row
    rows: list[float] = []  # the last value numbered on each row of numbers above the dots
    for value, seed in sorted(zip(values, seeds, strict=True)):
        row = next((i for i, last in enumerate(rows) if value - last > apart), len(rows))
        rows[row : row + 1] = [value]
        ax.annotate(str(seed), (value, 0), xytext=(0, 5 + 8 * row), textcoords="offset points", ha="center",
                    fontsize=MIN_FONT)  # fmt: skip
    if len(values) > 1:
        ax.errorbar(values.mean(), -1, xerr=values.std(ddof=1), fmt="o", color="black", capsize=4)
        ax.annotate("mean ± std", (values.mean() + values.std(ddof=1), -1), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=MIN_FONT)  # fmt: skip
    ax.set_ylim(-1.6, 1.2)
    ax.set_yticks([])
    ax.set_xlabel(f"{label} (%); dots numbered by seed")
    ax.grid(alpha=0.3, axis="x")
    return fig


def confusion(matrix: np.ndarray, title: str = "") -> Figure:
    """A confusion matrix in row percentages (true class per row) with class names. The colours scale the
    confusions alone, up to the largest: the correct answers on the diagonal, far larger, are grey with their
    numbers, so that they do not take up the whole colour range."""
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) * 100
    off = np.ma.masked_where(np.eye(len(rates), dtype=bool), rates)
    top = max(float(off.max()), 1.0)
    cmap = plt.get_cmap("Blues").with_extremes(bad="0.88")
    fig, ax = plt.subplots(figsize=(4.0, 3.0), layout="constrained")
    # pcolormesh, not imshow: the cells stay vector shapes (a figure with an image reaches the report as PNG)
    image = ax.pcolormesh(np.arange(11) - 0.5, np.arange(11) - 0.5, off, cmap=cmap, vmin=0, vmax=top)
    ax.set_aspect("equal")
    ax.invert_yaxis()
    for (i, j), value in np.ndenumerate(rates):
        dark = i != j and value > top * 0.6
        weight = "bold" if i == j else "normal"
        ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=MIN_FONT, color="white" if dark else "black",
                fontweight=weight)  # fmt: skip
    ax.set_xticks(range(10), CLASS_NAMES, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(10), CLASS_NAMES)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, label="% of the true class, confused").solids.set_rasterized(False)
    if title:
        ax.set_title(title)
    return fig


def per_class_accuracy(per_class: dict[str, np.ndarray], labels: Mapping[str, str] | None = None) -> Figure:
    """Per-class test accuracy, mean ± std over seeds, for each variant: dots with error bars side by side in each
    class, on a y range that fits them (bars from zero would flatten differences of a few points)."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 2.5), layout="constrained")
    width = 0.8 / len(per_class)
    for i, (variant, matrix) in enumerate(per_class.items()):
        std = matrix.std(axis=0, ddof=1) if len(matrix) > 1 else np.zeros(10)
        x = np.arange(10) + (i - (len(per_class) - 1) / 2) * width
        label = f"{display_name(variant, labels)} (n = {len(matrix)})"
        ax.errorbar(x, matrix.mean(axis=0) * 100, yerr=std * 100, fmt="o", ms=3.5, capsize=2, lw=0.9, label=label)
    for edge in np.arange(0.5, 9.5):
        ax.axvline(edge, color="0.85", lw=0.6)
    ax.set_xticks(range(10), CLASS_NAMES, rotation=20, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.5, 9.5)
    ax.set_ylabel("test accuracy, full test set (%)")
    ax.grid(alpha=0.3, axis="y")
    fig.legend(loc="outside lower center", ncol=min(len(per_class), 2), frameon=False)
    return fig
