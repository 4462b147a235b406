"""The four model variants of the practical, one builder each, registered by name.

Every 3x3 convolution uses padding "same" (so the residual variant adds without projections)
and ``width`` filters; every pooling is 2x2; the output is a 10-class softmax.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cnnlab.errors import UnknownVariantError
from cnnlab.quiet import import_keras

if TYPE_CHECKING:
    import keras

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10

Builder = Callable[[int], "keras.Model"]
VARIANTS: dict[str, Builder] = {}
# One line per variant: which question it answers and what it changes.
DESCRIPTIONS: dict[str, str] = {}


def register(name: str, description: str) -> Callable[[Builder], Builder]:
    """Add a builder to ``VARIANTS`` under ``name``."""

    def wrap(builder: Builder) -> Builder:
        VARIANTS[name] = builder
        DESCRIPTIONS[name] = description
        return builder

    return wrap


def check_variant(name: str) -> None:
    """Raise ``UnknownVariantError`` listing the known variants when ``name`` is not one."""
    if name not in VARIANTS:
        raise UnknownVariantError(f"unknown variant {name!r}; known variants: {', '.join(VARIANTS)}")


def build_model(name: str, width: int = 10) -> keras.Model:
    """Build the named variant (not compiled)."""
    check_variant(name)
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    return VARIANTS[name](width)


def _conv(x: Any, width: int, name: str, activation: str | None = "relu", kernel: int = 3) -> Any:
    return import_keras().layers.Conv2D(width, kernel, padding="same", activation=activation, name=name)(x)


def _head(x: Any, inputs: Any, name: str) -> keras.Model:
    keras = import_keras()
    layers = keras.layers
    x = layers.Flatten(name="flatten")(x)
    # float32 output keeps the softmax and the loss stable under a mixed-precision policy.
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def _vgg(width: int, blocks: int, batchnorm: bool, name: str) -> keras.Model:
    keras = import_keras()
    layers = keras.layers
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for b in range(1, blocks + 1):
        for c in (1, 2):
            if batchnorm:
                x = _conv(x, width, f"block{b}_conv{c}", activation=None)
                x = layers.BatchNormalization(name=f"block{b}_bn{c}")(x)
                x = layers.Activation("relu", name=f"block{b}_relu{c}")(x)
            else:
                x = _conv(x, width, f"block{b}_conv{c}")
        x = layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
    return _head(x, inputs, name)


@register("tiny_vgg", "Q4: two blocks of [conv 3x3 + ReLU] x2 and max-pooling 2x2, then a dense softmax")
def tiny_vgg(width: int = 10) -> keras.Model:
    """CNN Explainer's tiny VGG: 9,420 parameters at width 10."""
    return _vgg(width, blocks=2, batchnorm=False, name="tiny_vgg")


@register("tiny_vgg_bn", "Q13: tiny VGG with BatchNormalization after each convolution, before its ReLU")
def tiny_vgg_bn(width: int = 10) -> keras.Model:
    """Tiny VGG with conv -> BatchNormalization -> ReLU: 9,580 parameters at width 10."""
    return _vgg(width, blocks=2, batchnorm=True, name="tiny_vgg_bn")


@register("tiny_vgg_3blocks", "Q14: tiny VGG with a third convolution block")
def tiny_vgg_3blocks(width: int = 10) -> keras.Model:
    """Tiny VGG with three blocks (4x4 maps before flatten): 6,440 parameters at width 10."""
    return _vgg(width, blocks=3, batchnorm=False, name="tiny_vgg_3blocks")


@register("tiny_resnet", "Q15: 7x7 stem, two residual 3x3 blocks without pooling, average pooling 4")
def tiny_resnet(width: int = 10) -> keras.Model:
    """Tiny ResNet-like net: 6,770 parameters at width 10.

    Stem: conv 7x7 -> BatchNormalization -> ReLU -> max-pool 2x2 (32 -> 16). Each block:
    conv 3x3 + ReLU, conv 3x3, Add with the block input, ReLU after the addition.
    AveragePooling2D(pool_size=4) takes 16x16 to 4x4 before flatten.
    """
    keras = import_keras()
    layers = keras.layers
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = _conv(inputs, width, "stem_conv", activation=None, kernel=7)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    for b in (1, 2):
        shortcut = x
        x = _conv(x, width, f"block{b}_conv1")
        x = _conv(x, width, f"block{b}_conv2", activation=None)
        x = layers.Add(name=f"block{b}_add")([x, shortcut])
        x = layers.Activation("relu", name=f"block{b}_relu")(x)
    x = layers.AveragePooling2D(pool_size=4, name="avg_pool")(x)
    return _head(x, inputs, "tiny_resnet")


def layer_table(model: keras.Model) -> list[dict[str, object]]:
    """One row per layer: name, type, output shape (no batch axis), parameter count and input layers."""
    return [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output_shape": tuple(layer.output.shape[1:]),
            "parameters": int(layer.count_params()),
            "inputs": [t._keras_history.operation.name for t in _as_list(layer.input)] if i else [],
        }
        for i, layer in enumerate(model.layers)
    ]


def _as_list(tensors: Any) -> list[Any]:
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]


def feature_layers(model: keras.Model) -> list[str]:
    """Names of the layers Q10 shows: everything with a spatial output (not flatten or dense)."""
    return [layer.name for layer in model.layers[1:] if len(layer.output.shape) == 4]
