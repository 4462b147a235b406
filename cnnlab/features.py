"""Looking inside trained models: feature maps (Q10), first-layer weights (Q11), ResNet50's filters (Q12)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from cnnlab.cache import WEIGHTS_FILE, RunRecord
from cnnlab.data import preprocess
from cnnlab.errors import DataNotFoundError
from cnnlab.models import build_model, feature_layers
from cnnlab.quiet import import_keras

RESNET_ENV = "CNNLAB_RESNET50_CONV1"


def load_trained(record: RunRecord) -> Any:
    """Rebuild a cached run's model and load its trained weights."""
    model = build_model(record.config.variant, width=record.config.width)
    model.load_weights(record.path / WEIGHTS_FILE)
    return model


def activations(model: Any, image: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs of every spatial layer (convolutions, normalisation, activations, pooling) for one uint8 image."""
    keras = import_keras()
    names = feature_layers(model)
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    outputs = probe.predict(preprocess(image[None]), verbose=0)
    return {name: output[0] for name, output in zip(names, outputs, strict=True)}


def first_layer_kernel(model: Any) -> np.ndarray:
    """The first convolution's kernel, (kh, kw, input channels, filters)."""
    conv = next(layer for layer in model.layers if type(layer).__name__ == "Conv2D")
    return np.asarray(conv.get_weights()[0])


def load_resnet50(conv1_path: str | os.PathLike[str] | None = None) -> Any:
    """ImageNet ResNet50: downloaded by Keras, or offline with only ``conv1`` from a local ``.npz``.

    ``conv1_path`` (or ``$CNNLAB_RESNET50_CONV1``) names an ``.npz`` with the ``kernel`` and
    ``bias`` of layer ``conv1_conv``; the rest of that network keeps random weights, which is
    enough to look at the first-layer filters and nothing else.
    """
    keras = import_keras()
    conv1_path = conv1_path or os.environ.get(RESNET_ENV) or None
    if conv1_path is None:
        try:
            return keras.applications.ResNet50(weights="imagenet")
        except Exception as exc:
            raise DataNotFoundError(
                f"the ImageNet ResNet50 weights could not be downloaded ({type(exc).__name__}); offline, set "
                f"{RESNET_ENV} to an .npz holding conv1_conv's kernel and bias"
            ) from exc
    path = Path(conv1_path).expanduser()
    if not path.is_file():
        raise DataNotFoundError(f"{RESNET_ENV} names {path}, which does not exist")
    with np.load(path) as weights:
        kernel, bias = weights["kernel"], weights["bias"]
    model = keras.applications.ResNet50(weights=None)
    model.get_layer("conv1_conv").set_weights([kernel, bias])
    return model


def bgr_to_rgb(kernel: np.ndarray) -> np.ndarray:
    """Reverse the input-channel axis: Keras's ImageNet ResNet50 (a Caffe port) expects BGR input."""
    return kernel[:, :, ::-1, :]
