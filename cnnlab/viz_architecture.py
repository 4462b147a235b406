"""The architecture diagrams of Q4 and Q13-Q15: a network's layers as blocks on bands, shortcuts as arcs."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from cnnlab.viz import MIN_FONT, TEXT_WIDTH

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

    Under each box the layer's kind, its window ("3×3") and "+ReLU" where the layer applies it, under those
    each run of layers with one output shape, and each block's layers on a grey band with the block's name;
    curved arrows are residual shortcuts. All text is horizontal and dark, at least ``MIN_FONT`` at the printed
    size (the figure is the text's width).
    """
    residual = any(len(row.get("inputs", [])) > 1 for row in rows)
    top = 0.75 if residual else 0.43  # inches above the boxes' axis: the shortcuts' arcs
    fig = plt.figure(figsize=(TEXT_WIDTH, top + 1.24))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(-1.24, top)  # y in inches, so that the text's rows can be spaced in inches
    ax.axis("off")
    size = MIN_FONT if len(rows) > 12 else 7.5
    tops = []
    for i, row in enumerate(rows):
        shape = row["output_shape"]
        height = 0.14 + 0.66 * shape[0] / 32 if len(shape) == 3 else 0.14
        tops.append(height / 2)
        ax.add_patch(plt.Rectangle((i - 0.31, -height / 2), 0.62, height, color=_LAYER_COLORS.get(row["type"], "grey")))
        name = _LAYER_NAMES.get(row["type"], row["type"])
        if row.get("window"):  # a convolution's kernel, a pooling's window
            name += "\n" + "×".join(map(str, row["window"]))
        if row.get("activation") == "relu":  # a ReLU the layer applies itself: drawn in its label
            name += "\n+ReLU"
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
        ax.add_patch(plt.Rectangle((first - 0.42, -0.98), last - first + 0.84, 1.43, color="#ececec", zorder=0))
        name = rows[first]["layer"].split("_")[0].replace("block", "block ")
        ax.text((first + last) / 2, -0.95, name, ha="center", va="bottom", fontsize=7.5, color=INK, style="italic")


def _shape_runs(ax: plt.Axes, rows: list[dict], size: float) -> None:
    """Under the boxes, each run of consecutive layers with one output shape: a line and the shape."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i]["output_shape"] != rows[start]["output_shape"]:
            ax.plot([start - 0.31, i - 1 + 0.31], [-1.05, -1.05], color=INK, lw=0.6)
            text = "×".join(map(str, rows[start]["output_shape"]))
            ax.text((start + i - 1) / 2, -1.08, text, ha="center", va="top", fontsize=size, color=INK)
            start = i
