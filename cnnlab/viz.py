"""Every figure of the report: one function each, taking results and returning a matplotlib Figure.

Figures are drawn at their printed size: at most ``TEXT_WIDTH`` inches wide (the PDF's text width), with
no text under ``MIN_FONT`` points, so that ``cnnlab render`` can place them at their natural size.
Plots are pure vector drawings; figures that show pixels (images, feature maps, filters) use
``imshow`` with nearest-neighbour interpolation and reach the report as high-resolution PNG.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cnnlab.data import CLASS_NAMES
from cnnlab.stats import curve_band

TEXT_WIDTH = 6.6  # inches: the PDF's text width (A4 less 2 cm margins) with a little room
MIN_FONT = 7.0  # points at the printed size
# Type sizes for the process that draws the report's figures (tick labels are made at draw time, so a
# context manager around each function would not reach them).
plt.rcParams.update(
    {
        "font.size": 8,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "figure.titlesize": 9,
        "svg.hashsalt": "cnnlab",  # stable ids in the SVG output
    }
)

OTHERS = "#b0b0b0"  # reference curves drawn behind the one a panel is about
SPLIT_STYLE = {"": ("training", "C0"), "val_": ("validation", "C1"), "test_": ("test", "C2")}


def run_curves(history: pd.DataFrame, title: str = "") -> Figure:
    """Loss and accuracy per epoch of one run: training, validation and test (Q8)."""
    fig, axes = plt.subplots(1, 2, figsize=(TEXT_WIDTH, 2.5), layout="constrained")
    for ax, metric, label in ((axes[0], "loss", "cross-entropy loss"), (axes[1], "accuracy", "accuracy (%)")):
        for prefix, (split, color) in SPLIT_STYLE.items():
            column = f"{prefix}{metric}"
            if column in history:
                ax.plot(history["epoch"], history[column] * _scale(column), color=color, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def _scale(column: str) -> float:
    """Accuracies are drawn in percent, as the text gives them; losses as they are."""
    return 100.0 if column.endswith("accuracy") else 1.0


def pixel_histograms(images: np.ndarray) -> Figure:
    """Distribution of raw pixel values per colour channel (Q3)."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH * 0.85, 2.3), layout="constrained")
    for channel, color in enumerate(("red", "green", "blue")):
        counts = np.bincount(images[..., channel].ravel(), minlength=256)
        ax.plot(np.arange(256), counts / counts.sum(), color=color, label=color)
    ax.set_xlabel("pixel value (uint8)")
    ax.set_ylabel("fraction of pixels")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


_LAYER_COLORS = {
    "Conv2D": "#4C72B0",
    "BatchNormalization": "#DD8452",
    "Activation": "#55A868",
    "MaxPooling2D": "#C44E52",
    "AveragePooling2D": "#C44E52",
    "Add": "#8172B3",
    "Flatten": "#937860",
    "Dense": "#DA8BC3",
    "InputLayer": "#8C8C8C",
}
_LAYER_NAMES = {"Conv2D": "conv", "BatchNormalization": "BN", "Activation": "ReLU", "MaxPooling2D": "max\npool"}
_LAYER_NAMES |= {
    "AveragePooling2D": "avg\npool",
    "Add": "add",
    "Flatten": "flatten",
    "Dense": "dense",
    "InputLayer": "input",
}
INK = "#222222"  # the diagrams' text: dark on white, never on a coloured box
_SHORTCUT = {"arrowstyle": "-|>", "lw": 1.0, "color": _LAYER_COLORS["Add"], "connectionstyle": "arc3,rad=-0.35"}


def architecture(rows: list[dict], title: str = "") -> Figure:
    """A left-to-right diagram of a model's layers; box height follows the spatial size (Q4, Q13-Q15).

    Under each box the layer's kind, under those each run of layers with one output shape, and each
    block's layers on a grey band with the block's name; curved arrows are residual shortcuts. All text
    is horizontal and dark, at least ``MIN_FONT`` at the printed size (the figure is the text's width).
    """
    residual = any(len(row.get("inputs", [])) > 1 for row in rows)
    top = 0.75 if residual else 0.48  # inches above the boxes' axis: the shortcuts' arcs
    fig = plt.figure(figsize=(TEXT_WIDTH, top + 1.12))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(-1.12, top)  # y in inches, so that the text's rows can be spaced in inches
    ax.axis("off")
    size = MIN_FONT if len(rows) > 12 else 7.5
    tops = []
    for i, row in enumerate(rows):
        shape = row["output_shape"]
        height = 0.14 + 0.66 * shape[0] / 32 if len(shape) == 3 else 0.14
        tops.append(height / 2)
        ax.add_patch(plt.Rectangle((i - 0.31, -height / 2), 0.62, height, color=_LAYER_COLORS.get(row["type"], "grey")))
        name = _LAYER_NAMES.get(row["type"], row["type"])
        ax.text(i, -0.45, name, ha="center", va="top", fontsize=size, color=INK, linespacing=1.0)
        if i:
            ax.annotate("", (i - 0.31, 0), (i - 0.69, 0), arrowprops={"arrowstyle": "-|>", "lw": 0.6, "color": INK})
    _blocks(ax, rows)
    _shape_runs(ax, rows, size)
    index = {row["layer"]: i for i, row in enumerate(rows)}
    for i, row in enumerate(rows):
        for j in [index[source] for source in row.get("inputs", [])[1:]]:  # a second input is a shortcut
            ax.annotate("", (i, tops[i]), (j, tops[j]), arrowprops=_SHORTCUT)
    if title:
        ax.set_title(title)
    return fig


def _blocks(ax: plt.Axes, rows: list[dict]) -> None:
    """A grey band behind each block's layers (names "block1_…", "stem_…"), its name at the bottom."""
    groups: list[list[int]] = []
    for i, row in enumerate(rows):
        prefix = row["layer"].split("_")[0] if "_" in row["layer"] else ""
        block = prefix if prefix.startswith(("block", "stem")) else ""
        if block and groups and rows[groups[-1][0]]["layer"].startswith(block + "_"):
            groups[-1].append(i)
        elif block:
            groups.append([i])
    for group in groups:
        first, last = group[0], group[-1]
        ax.add_patch(plt.Rectangle((first - 0.42, -0.86), last - first + 0.84, 1.31, color="#ececec", zorder=0))
        name = rows[first]["layer"].split("_")[0].replace("block", "block ")
        ax.text((first + last) / 2, -0.83, name, ha="center", va="bottom", fontsize=7.5, color=INK, style="italic")


def _shape_runs(ax: plt.Axes, rows: list[dict], size: float) -> None:
    """Under the boxes, each run of consecutive layers with one output shape: a line and the shape."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i]["output_shape"] != rows[start]["output_shape"]:
            ax.plot([start - 0.31, i - 1 + 0.31], [-0.93, -0.93], color=INK, lw=0.6)
            text = "×".join(map(str, rows[start]["output_shape"]))
            ax.text((start + i - 1) / 2, -0.96, text, ha="center", va="top", fontsize=size, color=INK)
            start = i


def curve_bands(histories: list[pd.DataFrame], title: str = "") -> Figure:
    """Mean ± std over seeds of training, validation and test loss and accuracy per epoch (Q8)."""
    fig, axes = plt.subplots(1, 2, figsize=(TEXT_WIDTH, 2.6), layout="constrained")
    if not histories:
        return _no_runs(fig, title)
    for ax, metric, label in ((axes[0], "loss", "cross-entropy loss"), (axes[1], "accuracy", "accuracy (%)")):
        for prefix, (split, color) in SPLIT_STYLE.items():
            epochs, mean, std = curve_band(histories, f"{prefix}{metric}")
            mean, std = mean * _scale(metric), std * _scale(metric)
            ax.plot(epochs, mean, color=color, label=f"{split} (mean)")
            ax.fill_between(epochs, mean - std, mean + std, color=color, alpha=0.25, linewidth=0)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"{title}{': ' if title else ''}mean ± std over {len(histories)} seeds")
    return fig


def _no_runs(fig: Figure, title: str) -> Figure:
    for ax in fig.axes:
        ax.axis("off")
    fig.text(0.5, 0.5, f"{title}: no runs in the cache yet", ha="center", va="center", fontsize=10)
    return fig


def _name(variant: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(variant, variant)


COLUMN_LABELS = {"val_accuracy": "validation accuracy (%)", "val_loss": "validation loss", "loss": "training loss"}


def variant_curves(
    histories: dict[str, list[pd.DataFrame]], column: str = "val_accuracy", labels: Mapping[str, str] | None = None
) -> Figure:
    """One history column, mean ± std over seeds, one panel per variant (labels: display names).

    Small multiples on one y scale: each panel draws its variant in colour over the other variants' means
    in grey, so that curves which lie close together can still be told apart. The y axis spans the bands
    after the first tenth of the epochs, where the variants differ; the first epochs may enter from outside.
    """
    bands = {variant: curve_band(runs, column) for variant, runs in histories.items()}
    later = [np.stack([m - s, m + s])[:, len(m) // 10 :] for _, m, s in bands.values() if len(m)]
    fig, axes = plt.subplots(
        1, len(bands), figsize=(TEXT_WIDTH, 2.3), layout="constrained", sharex=True, sharey=True, squeeze=False
    )
    scale = _scale(column)
    for i, (ax, (variant, (epochs, mean, std))) in enumerate(zip(axes[0], bands.items(), strict=True)):
        for other, (x, y, _) in bands.items():
            if other != variant:
                ax.plot(x, y * scale, color=OTHERS, linewidth=0.8)
        ax.fill_between(epochs, (mean - std) * scale, (mean + std) * scale, color=f"C{i}", alpha=0.3, linewidth=0)
        ax.plot(epochs, mean * scale, color=f"C{i}", linewidth=1.4)
        ax.set_title(f"{_name(variant, labels)}\n(n = {len(histories[variant])})")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(COLUMN_LABELS.get(column, column.replace("_", " ")))
    if later:
        low, high = min(v.min() for v in later) * scale, max(v.max() for v in later) * scale
        axes[0, 0].set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    handles = [plt.Line2D([], [], color="0.15", linewidth=1.4), plt.Line2D([], [], color=OTHERS, linewidth=0.8)]
    fig.legend(
        handles,
        ["the panel's variant, in its colour: mean ± std over seeds", "the other variants: mean"],
        loc="outside lower center",
        ncol=2,
        frameon=False,
    )
    return fig


def seed_scatter(
    table: pd.DataFrame,
    column: str = "test_accuracy",
    label: str = "test accuracy",
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
    ticks = [f"{_name(v, labels)}\n(n = {(table['variant'] == v).sum()})" for v in variants]
    ax.set_xticks(range(len(variants)), ticks)
    ax.set_ylabel(f"{label} (%)")
    ax.grid(alpha=0.3, axis="y")
    return fig


def confusion(matrix: np.ndarray, title: str = "") -> Figure:
    """A confusion matrix in row percentages (true class per row) with class names."""
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) * 100
    fig, ax = plt.subplots(figsize=(4.2, 3.55), layout="constrained")
    # pcolormesh, not imshow: the cells stay vector shapes (a figure with an image reaches the report as PNG)
    image = ax.pcolormesh(np.arange(11) - 0.5, np.arange(11) - 0.5, rates, cmap="Blues", vmin=0, vmax=100)
    ax.set_aspect("equal")
    ax.invert_yaxis()
    for (i, j), value in np.ndenumerate(rates):
        ax.text(
            j, i, f"{value:.0f}", ha="center", va="center", fontsize=MIN_FONT, color="white" if value > 50 else "black"
        )
    ax.set_xticks(range(10), CLASS_NAMES, rotation=45, ha="right")
    ax.set_yticks(range(10), CLASS_NAMES)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, label="% of the true class").solids.set_rasterized(False)
    if title:
        ax.set_title(title)
    return fig


def per_class_accuracy(per_class: dict[str, np.ndarray], labels: Mapping[str, str] | None = None) -> Figure:
    """Per-class test accuracy, mean ± std over seeds, for each variant (grouped bars; labels: display names)."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 2.5), layout="constrained")
    width = 0.8 / len(per_class)
    for i, (variant, matrix) in enumerate(per_class.items()):
        std = matrix.std(axis=0, ddof=1) if len(matrix) > 1 else np.zeros(10)
        ax.bar(
            np.arange(10) + (i - (len(per_class) - 1) / 2) * width,
            matrix.mean(axis=0) * 100,
            width,
            yerr=std * 100,
            capsize=2,
            label=f"{_name(variant, labels)} (n = {len(matrix)})",
            color=f"C{i}",
        )
    ax.set_xticks(range(10), CLASS_NAMES, rotation=20, ha="right", rotation_mode="anchor")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3, axis="y")
    fig.legend(loc="outside lower center", ncol=min(len(per_class), 2), frameon=False)
    return fig
