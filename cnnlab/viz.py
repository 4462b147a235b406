"""The report's figure conventions, and its curve and pixel-histogram figures: one function each, taking results
and returning a matplotlib Figure (scores: ``viz_scores``; images and filters: ``viz_images``; diagrams:
``viz_architecture``; the seed study's: ``evidence_figures``).

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

from cnnlab.curves import ZOOM_FROM
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

SPLIT_STYLE = {"": ("training", "C0"), "val_": ("validation", "C1"), "test_": ("test", "C2")}


Limits = Mapping[str, tuple[float, float]]  # y range per panel ("loss", "accuracy" in percent, "zoom_loss", ...)


PANELS = {"loss": "cross-entropy loss", "accuracy": "accuracy (%)"}


def curve_limits(
    histories: list[pd.DataFrame], groups: list[list[pd.DataFrame]] | None = None, pad: float = 0.05
) -> dict[str, tuple[float, float]]:
    """One y range per metric that holds every split of every history, and per close-up ("zoom_loss",
    "zoom_accuracy") one that holds the validation and test bands (mean ± std) of each of ``groups`` (default:
    each history alone) from the close-up's first epoch on, so that the curve figures share their axes."""
    limits: dict[str, tuple[float, float]] = {}
    for metric in PANELS:
        columns = [h[f"{p}{metric}"] * _scale(metric) for h in histories for p in SPLIT_STYLE if f"{p}{metric}" in h]
        if not columns:
            return {}  # no runs: each figure keeps its own axes
        limits[metric] = _padded(columns, pad)
        bands = []
        for group in filter(None, groups or [[h] for h in histories]):
            for prefix in ("val_", "test_"):
                epochs, mean, std = curve_band(group, f"{prefix}{metric}")
                late = epochs >= _zoom_start(epochs)
                bands += [
                    pd.Series(mean[late] - std[late]) * _scale(metric),
                    pd.Series(mean[late] + std[late]) * _scale(metric),
                ]
        limits[f"zoom_{metric}"] = _padded(bands, pad)
    return limits


def _padded(columns: list[pd.Series], pad: float) -> tuple[float, float]:
    low, high = min(float(c.min()) for c in columns), max(float(c.max()) for c in columns)
    return low - pad * (high - low), high + pad * (high - low)


def _curve_axes() -> tuple[Figure, dict[str, plt.Axes]]:
    """Loss and accuracy side by side, and on the right their close-ups stacked (``zoom_loss``, ``zoom_accuracy``)."""
    fig = plt.figure(figsize=(TEXT_WIDTH, 2.8), layout="constrained")
    mosaic = [["loss", "accuracy", "zoom_loss"], ["loss", "accuracy", "zoom_accuracy"]]
    return fig, fig.subplot_mosaic(mosaic, width_ratios=(1, 1, 0.8))


def run_curves(history: pd.DataFrame, title: str = "", limits: Limits | None = None) -> Figure:
    """Loss and accuracy per epoch of one run: training, validation and test (Q8), and close-ups of the
    validation and test loss and accuracy from epoch ``ZOOM_FROM`` on."""
    fig, axes = _curve_axes()
    start = _zoom_start(history["epoch"].to_numpy())
    late = history["epoch"] >= start
    for metric, label in PANELS.items():
        for prefix, (split, color) in SPLIT_STYLE.items():
            column = f"{prefix}{metric}"
            if column in history:
                axes[metric].plot(history["epoch"], history[column] * _scale(column), color=color, label=split)
                if prefix:
                    axes[f"zoom_{metric}"].plot(
                        history["epoch"][late], history[column][late] * _scale(column), color=color
                    )
        _finish_axes(axes[metric], label, (limits or {}).get(metric))
    _finish_zooms(axes, start, limits)
    if title:
        fig.suptitle(title)
    return fig


def _zoom_start(epochs: np.ndarray) -> int:
    """``ZOOM_FROM``, or the second half of a run too short for it, or all of a run of a few epochs (quick runs)."""
    last = int(epochs.max())
    return ZOOM_FROM if last >= 2 * ZOOM_FROM else last // 2 + 1 if last >= 4 else 1


def _finish_zooms(axes: dict[str, plt.Axes], start: int, limits: Limits | None) -> None:
    """The close-ups: labelled like the panels they enlarge, on the ranges ``limits`` shares between figures."""
    for metric, label in PANELS.items():
        _finish_axes(axes[f"zoom_{metric}"], label.replace("cross-entropy ", ""), (limits or {}).get(f"zoom_{metric}"))
    axes["zoom_loss"].set_title(f"validation and test, epoch {start} on", fontsize=MIN_FONT + 0.5)
    axes["zoom_loss"].set_xlabel("")
    axes["zoom_loss"].tick_params(labelbottom=False)


def _finish_axes(ax: plt.Axes, label: str, ylim: tuple[float, float] | None) -> None:
    ax.set_xlabel("epoch")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    if ylim:
        ax.set_ylim(*ylim)


def _scale(column: str) -> float:
    """Accuracies are drawn in percent, as the text gives them; losses as they are."""
    return 100.0 if column.endswith("accuracy") else 1.0


def pixel_histograms(images: np.ndarray) -> Figure:
    """Distribution of raw pixel values per colour channel (Q3), the frame above its highest point, and the
    spikes at 0 and 255 (pixels clipped at black or white) labelled with their largest share over the channels."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH * 0.85, 2.3), layout="constrained")
    shares = []
    for channel, color in enumerate(("red", "green", "blue")):
        counts = np.bincount(images[..., channel].ravel(), minlength=256)
        shares.append(counts / counts.sum())
        ax.plot(np.arange(256), shares[-1], color=color, label=color)
    top = float(np.max(shares))
    ax.set_ylim(0, top * 1.18)  # room above the highest point for its label
    for value, align in ((0, "left"), (255, "right")):
        share = max(s[value] for s in shares)
        box = {"fc": "white", "ec": "none", "pad": 0.6}  # readable over the curves it may cross
        ax.annotate(f"{value}: {share * 100:.2f} %", (value, share), xytext=(0, 3), textcoords="offset points",
                    ha=align, va="bottom", fontsize=MIN_FONT, bbox=box)  # fmt: skip
    ax.set_xlim(-6, 261)
    ax.set_xlabel("pixel value (uint8)")
    ax.set_ylabel("fraction of pixels")
    ax.legend(loc="upper center")
    ax.grid(alpha=0.3)
    return fig


def curve_bands(histories: list[pd.DataFrame], title: str = "", limits: Limits | None = None) -> Figure:
    """Mean ± std over seeds of training, validation and test loss and accuracy per epoch (Q8), and close-ups
    of the validation and test loss and accuracy from epoch ``ZOOM_FROM`` on."""
    fig, axes = _curve_axes()
    if not histories:
        return _no_runs(fig, title)
    for metric, label in PANELS.items():
        for prefix, (split, color) in SPLIT_STYLE.items():
            epochs, mean, std = curve_band(histories, f"{prefix}{metric}")
            _band(axes[metric], epochs, mean * _scale(metric), std * _scale(metric), color, f"{split} (mean)")
            late = epochs >= (start := _zoom_start(epochs))
            if prefix:
                band = (epochs[late], mean[late] * _scale(metric), std[late] * _scale(metric))
                _band(axes[f"zoom_{metric}"], *band, color, None)
        _finish_axes(axes[metric], label, (limits or {}).get(metric))
    _finish_zooms(axes, start, limits)
    fig.suptitle(f"{title}{': ' if title else ''}mean ± std over {len(histories)} seeds")
    return fig


def _band(ax: plt.Axes, x: np.ndarray, mean: np.ndarray, std: np.ndarray, color: str, label: str | None) -> None:
    ax.plot(x, mean, color=color, label=label)
    ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.25, linewidth=0)


def _no_runs(fig: Figure, title: str) -> Figure:
    for ax in fig.axes:
        ax.axis("off")
    fig.text(0.5, 0.5, f"{title}: no runs in the cache yet", ha="center", va="center", fontsize=10)
    return fig


def display_name(variant: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(variant, variant)


COLUMN_LABELS = {"val_accuracy": "validation accuracy (%)", "val_loss": "validation loss", "loss": "training loss"}


def variant_curves(
    histories: dict[str, list[pd.DataFrame]], column: str = "val_accuracy", labels: Mapping[str, str] | None = None
) -> Figure:
    """One history column, mean ± std over seeds, one panel per variant (labels: display names).

    Small multiples on one y scale: each panel draws its variant in colour over the other variants' means,
    thin and each in its own panel's colour, so that curves which lie close together can still be told apart.
    The y axis spans the bands after the first tenth of the epochs, where the variants differ; the first epochs
    may enter from outside.
    """
    bands = {variant: curve_band(runs, column) for variant, runs in histories.items()}
    later = [np.stack([m - s, m + s])[:, len(m) // 10 :] for _, m, s in bands.values() if len(m)]
    fig, axes = plt.subplots(
        1, len(bands), figsize=(TEXT_WIDTH, 2.3), layout="constrained", sharex=True, sharey=True, squeeze=False
    )
    scale = _scale(column)
    for i, (ax, (variant, (epochs, mean, std))) in enumerate(zip(axes[0], bands.items(), strict=True)):
        for j, (other, (x, y, _)) in enumerate(bands.items()):
            if other != variant:  # in its own panel's colour, thin, so that each can be told apart
                ax.plot(x, y * scale, color=f"C{j}", linewidth=0.7, alpha=0.6)
        ax.fill_between(epochs, (mean - std) * scale, (mean + std) * scale, color=f"C{i}", alpha=0.3, linewidth=0)
        ax.plot(epochs, mean * scale, color=f"C{i}", linewidth=1.4)
        ax.set_title(f"{display_name(variant, labels)}\n(n = {len(histories[variant])})")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(COLUMN_LABELS.get(column, column.replace("_", " ")))
    if later:
        low, high = min(v.min() for v in later) * scale, max(v.max() for v in later) * scale
        axes[0, 0].set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    handles = [plt.Line2D([], [], color="0.15", linewidth=1.4), plt.Line2D([], [], color="0.15", linewidth=0.7)]
    fig.legend(
        handles,
        ["thick line and band: the panel's variant, mean ± std over seeds", "thin lines: the other panels' means"],
        loc="outside lower center",
        ncol=2,
        frameon=False,
    )
    return fig
