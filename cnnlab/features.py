"""Looking inside trained models: feature maps (Q10), first-layer weights (Q11), ResNet50's filters (Q12)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
from scipy import ndimage, stats

from cnnlab.cache import WEIGHTS_FILE, RunRecord
from cnnlab.data import preprocess
from cnnlab.errors import DataNotFoundError
from cnnlab.models import build_model, feature_layers
from cnnlab.quiet import import_keras

RESNET_ENV = "CNNLAB_RESNET50_CONV1"
SHOWN_FILTER = 10  # Q10: the assignment shows each layer's 10th filter (counted from 1)


def load_trained(record: RunRecord) -> Any:
    """Rebuild a cached run's model and load its trained weights."""
    model = build_model(record.config.variant, width=record.config.width, dtype=record.config.precision)
    model.load_weights(record.verified(WEIGHTS_FILE))
    return model


def activations(model: Any, image: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs of every spatial layer (convolutions, normalisation, activations, pooling) for one uint8 image."""
    keras = import_keras()
    names = feature_layers(model)
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    outputs = probe.predict(preprocess(image[None]), verbose=0)
    return {name: output[0] for name, output in zip(names, outputs, strict=True)}


def map_correlations(maps: dict[str, np.ndarray], image: np.ndarray, index: int) -> dict[str, tuple[float, float]]:
    """What filter ``index``'s map follows in each layer: Pearson's r of the map with the image's brightness and
    with its edge strength (Sobel gradient magnitude of the brightness), both averaged down to the map's size
    (NaN where the map is constant)."""
    if image.shape[0] != image.shape[1] or any(image.shape[0] % m.shape[0] for m in maps.values()):
        raise ValueError(f"a square image whose side each map's divides, got {image.shape[:2]}")
    brightness = image.astype(float) @ np.array([0.299, 0.587, 0.114]) / 255  # ITU-R BT.601 luma
    edges = np.hypot(ndimage.sobel(brightness, 0), ndimage.sobel(brightness, 1))
    found = {}
    for name, m in maps.items():
        size, shown = m.shape[0], m[..., index].ravel()
        pooled = [a.reshape(size, a.shape[0] // size, size, -1).mean(axis=(1, 3)).ravel() for a in (brightness, edges)]
        found[name] = tuple(float(np.corrcoef(shown, a)[0, 1]) if shown.std() > 0 else math.nan for a in pooled)
    return found


def first_layer_kernel(model: Any) -> np.ndarray:
    """The first convolution's kernel, (kh, kw, input channels, filters)."""
    conv = next(layer for layer in model.layers if type(layer).__name__ == "Conv2D")
    return np.asarray(conv.get_weights()[0])


CONV1_SHAPES = {"kernel": (7, 7, 3, 64), "bias": (64,)}  # ResNet50's conv1_conv


def conv1_source(conv1_path: str | os.PathLike[str] | None = None) -> tuple[Path, str] | None:
    """The offline conv1 file and who named it (the ``--resnet50-conv1`` flag or ``$CNNLAB_RESNET50_CONV1``)."""
    if conv1_path:
        return Path(conv1_path).expanduser().absolute(), "--resnet50-conv1"
    if os.environ.get(RESNET_ENV):
        return Path(os.environ[RESNET_ENV]).expanduser().absolute(), f"${RESNET_ENV}"
    return None


def read_conv1(path: Path, named_by: str) -> tuple[np.ndarray, np.ndarray]:
    """ResNet50's conv1_conv kernel and bias from an ``.npz``; ``DataNotFoundError`` naming ``named_by`` if unusable."""
    if not path.is_file():
        raise DataNotFoundError(f"{named_by} names {path}, which does not exist")
    try:
        with np.load(path) as weights:
            arrays = {name: np.asarray(weights[name]) for name in CONV1_SHAPES}
    except Exception as exc:  # numpy raises ValueError, OSError, KeyError or zipfile errors for other files
        raise DataNotFoundError(
            f"{named_by} names {path}, which is not an .npz with arrays 'kernel' and 'bias' ({type(exc).__name__})"
        ) from exc
    for name, shape in CONV1_SHAPES.items():
        if arrays[name].shape != shape:
            raise DataNotFoundError(f"{named_by}: {path}'s {name} has shape {arrays[name].shape}, not {shape}")
    return arrays["kernel"], arrays["bias"]


def load_resnet50(conv1_path: str | os.PathLike[str] | None = None) -> Any:
    """ImageNet ResNet50: downloaded by Keras, or offline with only ``conv1`` from a local ``.npz``.

    ``conv1_path`` (or ``$CNNLAB_RESNET50_CONV1``) names an ``.npz`` with the ``kernel`` and
    ``bias`` of layer ``conv1_conv``; the rest of that network keeps random weights, which is
    enough to look at the first-layer filters and nothing else.
    """
    keras = import_keras()
    source = conv1_source(conv1_path)
    if source is None:
        try:
            return keras.applications.ResNet50(weights="imagenet")
        except Exception as exc:
            raise DataNotFoundError(
                f"the ImageNet ResNet50 weights could not be downloaded ({type(exc).__name__}); offline, set "
                f"{RESNET_ENV} to an .npz holding conv1_conv's kernel and bias"
            ) from exc
    kernel, bias = read_conv1(*source)
    model = keras.applications.ResNet50(weights=None)
    model.get_layer("conv1_conv").set_weights([kernel, bias])
    return model


def bgr_to_rgb(kernel: np.ndarray) -> np.ndarray:
    """Reverse the input-channel axis: Keras's ImageNet ResNet50 (a Caffe port) expects BGR input."""
    return kernel[:, :, ::-1, :]


def relative_scale(kernel: np.ndarray) -> np.ndarray:
    """Each filter's largest absolute weight as a fraction of the layer's largest (kernel: kh, kw, in, filters)."""
    scale = np.abs(kernel).reshape(-1, kernel.shape[-1]).max(axis=0)
    return scale / scale.max()


def channel_correlation(kernel: np.ndarray) -> np.ndarray:
    """Per filter of a 3-channel kernel (kh, kw, 3, filters): the mean correlation of its channels' weights
    over the three pairs (R-G, R-B, G-B); near 1 for a filter that sees brightness, negative for colour-opponent."""
    pairs = np.triu_indices(3, 1)
    return np.array([np.corrcoef(kernel[:, :, :, f].reshape(-1, 3).T)[pairs].mean() for f in range(kernel.shape[-1])])


def colour_share(kernel: np.ndarray) -> np.ndarray:
    """Per filter of a 3-channel kernel (kh, kw, 3, filters): the share of its squared weights that differs
    between the colour channels. 0 when red, green and blue are weighted alike at every position (the filter
    sees brightness only, and its picture is grey), 2/3 when one channel alone is weighted, 1 when the channels
    cancel at every position."""
    grey = kernel.mean(axis=2, keepdims=True)
    total = np.square(kernel).sum(axis=(0, 1, 2))
    return np.square(kernel - grey).sum(axis=(0, 1, 2)) / np.where(total > 0, total, np.nan)


def receptive_fields(model: Any) -> dict[str, int]:
    """Side, in input pixels, of the square patch each spatial layer's units depend on (their receptive field),
    from the kernel or pool sizes and strides of the layers before it (a chain of layers, as the tiny VGG)."""
    size, jump, fields = 1, 1, {}
    shown = set(feature_layers(model))
    for layer in model.layers:
        config = layer.get_config()
        window = config.get("kernel_size") or config.get("pool_size")
        if window is not None:
            stride = config.get("strides") or window
            size += (window[0] - 1) * jump
            jump *= stride[0]
        if layer.name in shown:
            fields[layer.name] = size
    return fields


def _brightness_ramp(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per filter: the coefficients (2, filters) of the left-to-right and top-to-bottom ramps that best fit
    its brightness pattern (the mean of its channels, less its mean over the window), in an orthonormal
    basis, and that pattern's squared norm."""
    kh, kw = kernel.shape[:2]
    grey = kernel.mean(axis=2).reshape(kh * kw, -1)
    grey = grey - grey.mean(axis=0)
    rows, cols = np.meshgrid(np.arange(kh) - (kh - 1) / 2, np.arange(kw) - (kw - 1) / 2, indexing="ij")
    basis = np.stack([cols.ravel() / np.linalg.norm(cols), rows.ravel() / np.linalg.norm(rows)])
    return basis @ grey, np.square(grey).sum(axis=0)


def edge_share(kernel: np.ndarray) -> np.ndarray:
    """Per filter of a kernel (kh, kw, channels, filters): the share of its brightness pattern that a linear
    ramp across the window explains (the R² of a fitted plane). 1 for an even ramp, less for a sharp step (3/4
    in 3 × 3), 0 for a pattern symmetric about the centre (a centred spot or line); for independent random
    weights 2 / (kh·kw − 1) on average."""
    ramp, total = _brightness_ramp(kernel)
    return np.square(ramp).sum(axis=0) / np.where(total > 0, total, np.nan)


def random_edge_share(kh: int, kw: int) -> Any:
    """The distribution of :func:`edge_share` for independent normal weights (close for Keras's uniform ones):
    the R² of a plane (two slopes and an intercept) fitted to kh·kw noise values, Beta(1, (kh·kw − 3) / 2)."""
    return stats.beta(1, (kh * kw - 3) / 2)


def random_colour_share(kh: int, kw: int, channels: int) -> Any:
    """The distribution of :func:`colour_share` for independent normal weights (close for Keras's uniform ones):
    the share of chi-square(kh·kw·(channels − 1)) in it plus the channels' mean part, chi-square(kh·kw), that is
    Beta(kh·kw·(channels − 1) / 2, kh·kw / 2), with mean (channels − 1) / channels."""
    return stats.beta(kh * kw * (channels - 1) / 2, kh * kw / 2)


def edge_orientation(kernel: np.ndarray) -> np.ndarray:
    """Per filter: the direction in which its brightness ramp rises, in degrees from 0 to 180 (0: left to
    right, so the edge itself is vertical; 90: top to bottom, a horizontal edge)."""
    ramp, _total = _brightness_ramp(kernel)
    return np.degrees(np.arctan2(ramp[1], ramp[0])) % 180
