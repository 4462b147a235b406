"""Figures of pixels: CIFAR-10 images, feature maps and filters, drawn so that one pixel is one crisp square.

They stay raster in both outputs (cnnlab.pages keeps a figure's PNG when it holds an image); plots
are in cnnlab.viz. Importing cnnlab.viz first sets the type sizes both modules use.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnnlab.data import CLASS_NAMES
from cnnlab.features import relative_scale
from cnnlab.viz import MIN_FONT, TEXT_WIDTH


def class_examples(images: np.ndarray, labels: np.ndarray, per_class: int = 8, seed: int = 0) -> Figure:
    """A grid of training images, one row per class with its name (Q2)."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(10, per_class, figsize=(per_class * 0.56 + 0.9, 5.9), layout="constrained")
    for c, name in enumerate(CLASS_NAMES):
        picks = rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False)
        for j, index in enumerate(picks):
            ax = axes[c, j]
            ax.imshow(images[index], interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[c, 0].set_ylabel(name, rotation=0, ha="right", va="center")
    return fig


def feature_maps(maps: dict[str, np.ndarray], image: np.ndarray, filter_index: int) -> Figure:
    """The input image and, for each layer, the map of one filter, each on its own scale, given below it (Q10)."""
    fig, axes = plt.subplots(1, len(maps) + 1, figsize=(TEXT_WIDTH, 1.55), layout="constrained")
    axes[0].imshow(image, interpolation="nearest")
    axes[0].set_title("input\n32×32")
    for ax, (name, activation) in zip(axes[1:], maps.items(), strict=True):
        panel = activation[..., filter_index]
        ax.imshow(panel, cmap="viridis", interpolation="nearest")
        ax.set_title(f"{name}\n{activation.shape[0]}×{activation.shape[1]}")
        ax.set_xlabel(f"{panel.min():.2g} to {panel.max():.2g}")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def all_feature_maps(maps: dict[str, np.ndarray]) -> Figure:
    """Every filter's map of every layer: one row per layer, one column per filter, each map on its own scale (Q10)."""
    width = max(m.shape[-1] for m in maps.values())
    fig, axes = plt.subplots(
        len(maps), width, figsize=(TEXT_WIDTH, 0.56 * len(maps) + 0.3), layout="constrained", squeeze=False
    )
    for r, (name, activation) in enumerate(maps.items()):
        for c in range(width):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c < activation.shape[-1]:
                ax.imshow(activation[..., c], cmap="viridis", interpolation="nearest")
            if r == 0:
                ax.set_title(f"filter {c + 1}", fontsize=MIN_FONT)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=MIN_FONT)
    return fig


def first_layer_weights(kernel: np.ndarray) -> Figure:
    """Every first-layer filter (columns) for each input channel R, G, B (rows), on one colour scale (Q11)."""
    _, _, channels, filters = kernel.shape
    limit = float(np.abs(kernel).max())
    fig, axes = plt.subplots(
        channels, filters, figsize=(TEXT_WIDTH, 0.6 * channels + 0.5), layout="constrained", squeeze=False
    )
    for ch, name in enumerate(("R", "G", "B")[:channels]):
        for f in range(filters):
            ax = axes[ch, f]
            image = ax.imshow(kernel[:, :, ch, f], cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if ch == 0:
                ax.set_title(f"filter {f + 1}", fontsize=MIN_FONT)
        axes[ch, 0].set_ylabel(f"input {name}")
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    return fig


def rgb_filters(kernel_rgb: np.ndarray, columns: int = 16) -> Figure:
    """Filters (H, W, 3, N) as RGB images, each min-max scaled to [0, 1] (Q12), titled by number from 1 and by
    its largest absolute weight as a fraction of the layer's: the scaling enlarges a near-zero filter."""
    n, scale = kernel_rgb.shape[-1], relative_scale(kernel_rgb)
    rows = int(np.ceil(n / columns))
    cell = TEXT_WIDTH / columns
    fig, axes = plt.subplots(
        rows, columns, figsize=(TEXT_WIDTH, rows * (cell + 0.14)), layout="constrained", squeeze=False
    )
    fig.get_layout_engine().set(w_pad=0.01, h_pad=0.01, wspace=0.04, hspace=0.04)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < n:
            f = kernel_rgb[..., i]
            ax.imshow((f - f.min()) / (f.max() - f.min() + 1e-12), interpolation="nearest")
            ax.set_title(f"{i + 1}: {scale[i]:.2f}", fontsize=MIN_FONT, pad=1.5)
    return fig


def misclassified(images: np.ndarray, true: np.ndarray, predicted: np.ndarray, count: int = 12) -> Figure:
    """Test images the model got wrong, titled "true → predicted"."""
    wrong = np.flatnonzero(true != predicted)[:count]
    columns = 6
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    fig, axes = plt.subplots(
        rows, columns, figsize=(TEXT_WIDTH * 0.9, 1.12 * rows + 0.2), layout="constrained", squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for ax, index in zip(axes.ravel(), wrong, strict=False):
        ax.imshow(images[index], interpolation="nearest")
        ax.set_title(f"#{index}: {CLASS_NAMES[true[index]]}\n→ {CLASS_NAMES[predicted[index]]}", fontsize=MIN_FONT)
    return fig
