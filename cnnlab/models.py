"""The four model variants of the practical, one builder each, registered by name with what the report says of it.

Every 3x3 convolution uses padding "same" (so the residual variant adds without projections)
and ``width`` filters; every pooling is 2x2; the output is a 10-class softmax. A builder takes the
Keras dtype policy of its layers ("float32" or "mixed_bfloat16") rather than reading a global one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cnnlab.errors import UnknownVariantError
from cnnlab.quiet import import_keras

if TYPE_CHECKING:
    import keras

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10
# The softmax and the loss stay in float32 under a mixed-precision policy, for their stability.
OUTPUT_DTYPE = "float32"

Builder = Callable[[int, str], "keras.Model"]


@dataclass(frozen=True)
class Variant:
    """A registered variant: its builder and how the report and the command line name it."""

    name: str  # registry key and cache name: "tiny_vgg_bn"
    label: str  # display name in the report: "tiny VGG + BatchNorm"
    question: str  # the assignment's question it answers: "Q13"
    description: str  # one line on what it changes
    build: Builder = field(repr=False, compare=False)


VARIANTS: dict[str, Variant] = {}


def register(name: str, label: str, question: str, description: str) -> Callable[[Builder], Builder]:
    """Add a builder to ``VARIANTS`` under ``name`` with its label, question and description."""

    def wrap(builder: Builder) -> Builder:
        VARIANTS[name] = Variant(name, label, question, description, builder)
        return builder

    return wrap


def check_variant(name: str) -> None:
    """Raise ``UnknownVariantError`` listing the known variants when ``name`` is not one."""
    if name not in VARIANTS:
        raise UnknownVariantError(f"unknown variant {name!r}; known variants: {', '.join(VARIANTS)}")


def labels() -> dict[str, str]:
    """Display name of every registered variant, in registry order."""
    return {name: v.label for name, v in VARIANTS.items()}


def variant_help() -> str:
    """The variants with their questions, for the command line: "tiny_vgg (Q4), tiny_vgg_bn (Q13), ..."."""
    return ", ".join(f"{name} ({v.question})" for name, v in VARIANTS.items())


def build_model(name: str, width: int = 10, dtype: str = "float32") -> keras.Model:
    """Build the named variant (not compiled); ``dtype`` is the Keras dtype policy of its hidden layers."""
    check_variant(name)
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    return VARIANTS[name].build(width, dtype)


def _conv(x: Any, width: int, name: str, dtype: str, activation: str | None = "relu", kernel: int = 3) -> Any:
    layer = import_keras().layers.Conv2D(width, kernel, padding="same", activation=activation, dtype=dtype, name=name)
    return layer(x)


def _head(x: Any, inputs: Any, name: str, dtype: str) -> keras.Model:
    keras = import_keras()
    layers = keras.layers
    x = layers.Flatten(dtype=dtype, name="flatten")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", dtype=OUTPUT_DTYPE, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def _vgg(width: int, blocks: int, batchnorm: bool, name: str, dtype: str) -> keras.Model:
    keras = import_keras()
    layers = keras.layers
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for b in range(1, blocks + 1):
        for c in (1, 2):
            if batchnorm:
                x = _conv(x, width, f"block{b}_conv{c}", dtype, activation=None)
                x = layers.BatchNormalization(dtype=dtype, name=f"block{b}_bn{c}")(x)
                x = layers.Activation("relu", dtype=dtype, name=f"block{b}_relu{c}")(x)
            else:
                x = _conv(x, width, f"block{b}_conv{c}", dtype)
        x = layers.MaxPooling2D(2, dtype=dtype, name=f"block{b}_pool")(x)
    return _head(x, inputs, name, dtype)


@register(
    "tiny_vgg",
    label="tiny VGG",
    question="Q4",
    description="two blocks of [conv 3x3 + ReLU] x2 and max-pooling 2x2, then a dense softmax",
)
def tiny_vgg(width: int = 10, dtype: str = "float32") -> keras.Model:
    """CNN Explainer's tiny VGG: 9,420 parameters at width 10."""
    return _vgg(width, blocks=2, batchnorm=False, name="tiny_vgg", dtype=dtype)


@register(
    "tiny_vgg_bn",
    label="tiny VGG + BatchNorm",
    question="Q13",
    description="tiny VGG with BatchNormalization after each convolution, before its ReLU",
)
def tiny_vgg_bn(width: int = 10, dtype: str = "float32") -> keras.Model:
    """Tiny VGG with conv -> BatchNormalization -> ReLU: 9,500 trainable weights at width 10 (+80 statistics)."""
    return _vgg(width, blocks=2, batchnorm=True, name="tiny_vgg_bn", dtype=dtype)


@register(
    "tiny_vgg_3blocks",
    label="tiny VGG, 3 blocks",
    question="Q14",
    description="tiny VGG with a third convolution block",
)
def tiny_vgg_3blocks(width: int = 10, dtype: str = "float32") -> keras.Model:
    """Tiny VGG with three blocks (4x4 maps before flatten): 6,440 parameters at width 10."""
    return _vgg(width, blocks=3, batchnorm=False, name="tiny_vgg_3blocks", dtype=dtype)


@register(
    "tiny_resnet",
    label="tiny ResNet",
    question="Q15",
    description="7x7 stem, two residual 3x3 blocks without pooling, average pooling 4",
)
def tiny_resnet(width: int = 10, dtype: str = "float32") -> keras.Model:
    """Tiny ResNet-like net: 6,770 parameters at width 10.

    Stem: conv 7x7 -> BatchNormalization -> ReLU -> max-pool 2x2 (32 -> 16). Each block:
    conv 3x3 + ReLU, conv 3x3, Add with the block input, ReLU after the addition.
    AveragePooling2D(pool_size=4) takes 16x16 to 4x4 before flatten.
    """
    keras = import_keras()
    layers = keras.layers
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = _conv(inputs, width, "stem_conv", dtype, activation=None, kernel=7)
    x = layers.BatchNormalization(dtype=dtype, name="stem_bn")(x)
    x = layers.Activation("relu", dtype=dtype, name="stem_relu")(x)
    x = layers.MaxPooling2D(2, dtype=dtype, name="stem_pool")(x)
    for b in (1, 2):
        shortcut = x
        x = _conv(x, width, f"block{b}_conv1", dtype)
        x = _conv(x, width, f"block{b}_conv2", dtype, activation=None)
        x = layers.Add(dtype=dtype, name=f"block{b}_add")([x, shortcut])
        x = layers.Activation("relu", dtype=dtype, name=f"block{b}_relu")(x)
    x = layers.AveragePooling2D(pool_size=4, dtype=dtype, name="avg_pool")(x)
    return _head(x, inputs, "tiny_resnet", dtype)


def trainable_count(model: keras.Model) -> int:
    """Weights the optimizer updates; ``count_params`` also counts BatchNormalization's running statistics."""
    return sum(int(math.prod(w.shape)) for w in model.trainable_weights)


def layer_table(model: keras.Model) -> list[dict[str, object]]:
    """One row per layer: name, type, output shape (no batch axis), parameter count, input layers, the
    activation a convolution or dense layer applies itself ("relu", "softmax"; "" for none) and the window a
    convolution or pooling layer slides ((3, 3); () for none)."""
    return [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "activation": _fused_activation(layer),
            "window": tuple(getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None) or ()),
            "output_shape": tuple(layer.output.shape[1:]),
            "parameters": int(layer.count_params()),
            "inputs": [t._keras_history.operation.name for t in _as_list(layer.input)] if i else [],
        }
        for i, layer in enumerate(model.layers)
    ]


_ARGUMENTS: dict[str, Callable[[dict], list[str]]] = {  # a layer's defining arguments, from its config
    "InputLayer": lambda c: [str(tuple(c["batch_shape"][1:]))],
    "Conv2D": lambda c: [str(c["filters"]), str(c["kernel_size"][0]), f'padding="{c["padding"]}"'],
    "MaxPooling2D": lambda c: [str(c["pool_size"][0])],
    "AveragePooling2D": lambda c: [str(c["pool_size"][0])],
    "Dense": lambda c: [str(c["units"])],
    "Activation": lambda c: [f'"{c["activation"]}"'],
}


def sequential_listing(model: keras.Model) -> str:
    """Plain Keras code that builds a chain of layers like ``model`` (the tiny VGG's as the assignment asks for
    it, without this module's helpers): ``keras.Sequential`` with each layer's defining arguments."""
    if any(len(row["inputs"]) > 1 for row in layer_table(model)):
        raise ValueError(f"{model.name} is not a chain of layers: a Sequential listing cannot build it")
    lines = []
    for layer in model.layers:
        kind = type(layer).__name__
        args = _ARGUMENTS.get(kind, lambda c: [])(layer.get_config())
        if _fused_activation(layer):
            args.append(f'activation="{_fused_activation(layer)}"')
        call = "keras.Input" if kind == "InputLayer" else f"layers.{kind}"
        lines.append(f"    {call}({', '.join(args)}),")
    return "\n".join(["model = keras.Sequential([", *lines[:-1], lines[-1].removesuffix(",") + "])"])


def _fused_activation(layer: Any) -> str:
    if type(layer).__name__ not in {"Conv2D", "Dense"}:
        return ""
    name = getattr(getattr(layer, "activation", None), "__name__", "")
    return "" if name == "linear" else name


def _as_list(tensors: Any) -> list[Any]:
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]


def feature_layers(model: keras.Model) -> list[str]:
    """Names of the layers Q10 shows: everything with a spatial output (not flatten or dense)."""
    return [layer.name for layer in model.layers[1:] if len(layer.output.shape) == 4]
