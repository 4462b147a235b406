"""Architectures of the four variants: layer order, shapes after each block, parameter counts."""

import pytest

from cnnlab.errors import UnknownVariantError
from cnnlab.models import (
    VARIANTS,
    build_model,
    feature_layers,
    labels,
    layer_table,
    sequential_listing,
    variant_help,
)
from cnnlab.quiet import import_keras


def _rows(name: str) -> list[tuple[str, str, tuple]]:
    return [(r["layer"], r["type"], r["output_shape"]) for r in layer_table(build_model(name))]


def test_registry_holds_the_four_variants():
    assert list(VARIANTS) == ["tiny_vgg", "tiny_vgg_bn", "tiny_vgg_3blocks", "tiny_resnet"]


@pytest.mark.parametrize(
    ("name", "params"), [("tiny_vgg", 9420), ("tiny_vgg_bn", 9580), ("tiny_vgg_3blocks", 6440), ("tiny_resnet", 6770)]
)
def test_parameter_counts(name, params):
    model = build_model(name)
    assert model.count_params() == params
    assert tuple(model.output.shape[1:]) == (10,)
    assert model.layers[-1].get_config()["activation"] == "softmax"


def test_tiny_vgg_layers():
    assert _rows("tiny_vgg") == [
        ("image", "InputLayer", (32, 32, 3)),
        ("block1_conv1", "Conv2D", (32, 32, 10)),
        ("block1_conv2", "Conv2D", (32, 32, 10)),
        ("block1_pool", "MaxPooling2D", (16, 16, 10)),
        ("block2_conv1", "Conv2D", (16, 16, 10)),
        ("block2_conv2", "Conv2D", (16, 16, 10)),
        ("block2_pool", "MaxPooling2D", (8, 8, 10)),
        ("flatten", "Flatten", (640,)),
        ("predictions", "Dense", (10,)),
    ]


def test_every_convolution_is_3x3_same_and_relu_in_vgg():
    for layer in build_model("tiny_vgg").layers:
        if layer.name.endswith(("conv1", "conv2")):
            config = layer.get_config()
            assert config["kernel_size"] == (3, 3) and config["padding"] == "same"
            assert config["activation"] == "relu" and config["filters"] == 10
        if layer.name.endswith("pool"):
            assert layer.get_config()["pool_size"] == (2, 2)


def test_batchnorm_sits_between_convolution_and_relu():
    names = [r[0] for r in _rows("tiny_vgg_bn")]
    for b in (1, 2):
        for c in (1, 2):
            conv, bn, relu = (names.index(f"block{b}_{kind}{c}") for kind in ("conv", "bn", "relu"))
            assert conv + 1 == bn and bn + 1 == relu
    convs = [layer for layer in build_model("tiny_vgg_bn").layers if "conv" in layer.name]
    assert all(layer.get_config()["activation"] == "linear" for layer in convs)


def test_three_blocks_shapes():
    rows = {name: shape for name, _, shape in _rows("tiny_vgg_3blocks")}
    assert rows["block1_pool"] == (16, 16, 10) and rows["block2_pool"] == (8, 8, 10)
    assert rows["block3_pool"] == (4, 4, 10) and rows["flatten"] == (160,)


def test_tiny_resnet_layers():
    assert [(n, t) for n, t, _ in _rows("tiny_resnet")] == [
        ("image", "InputLayer"),
        ("stem_conv", "Conv2D"),
        ("stem_bn", "BatchNormalization"),
        ("stem_relu", "Activation"),
        ("stem_pool", "MaxPooling2D"),
        ("block1_conv1", "Conv2D"),
        ("block1_conv2", "Conv2D"),
        ("block1_add", "Add"),
        ("block1_relu", "Activation"),
        ("block2_conv1", "Conv2D"),
        ("block2_conv2", "Conv2D"),
        ("block2_add", "Add"),
        ("block2_relu", "Activation"),
        ("avg_pool", "AveragePooling2D"),
        ("flatten", "Flatten"),
        ("predictions", "Dense"),
    ]
    model = build_model("tiny_resnet")
    assert model.get_layer("stem_conv").get_config()["kernel_size"] == (7, 7)
    assert model.get_layer("avg_pool").get_config()["pool_size"] == (4, 4)
    assert tuple(model.get_layer("block2_relu").output.shape[1:]) == (16, 16, 10)
    assert tuple(model.get_layer("avg_pool").output.shape[1:]) == (4, 4, 10)
    # The residual: each Add takes the block's input (the previous block's output) as one operand.
    add = model.get_layer("block2_add")
    inbound = {t._keras_history.operation.name for t in add.input}
    assert inbound == {"block2_conv2", "block1_relu"}
    assert model.get_layer("block1_conv2").get_config()["activation"] == "linear"


def test_width_parameter_and_bad_inputs():
    assert build_model("tiny_vgg", width=4).get_layer("block2_conv2").output.shape[-1] == 4
    with pytest.raises(UnknownVariantError, match="known variants: tiny_vgg"):
        build_model("vgg16")
    with pytest.raises(ValueError, match="width"):
        build_model("tiny_vgg", width=0)


def test_feature_layers_exclude_flatten_and_dense():
    assert feature_layers(build_model("tiny_vgg")) == [
        "block1_conv1",
        "block1_conv2",
        "block1_pool",
        "block2_conv1",
        "block2_conv2",
        "block2_pool",
    ]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_dtype_policy_is_passed_to_every_hidden_layer(name):
    """mixed_bfloat16: bfloat16 compute and float32 weights in every hidden layer, a float32 softmax."""
    keras = import_keras()
    model = build_model(name, dtype="mixed_bfloat16")
    for layer in model.layers[1:-1]:
        assert layer.compute_dtype == "bfloat16" and layer.variable_dtype == "float32", layer.name
    assert model.get_layer("predictions").compute_dtype == "float32" and model.output.dtype == "float32"
    assert keras.mixed_precision.global_policy().name == "float32"
    assert all(layer.compute_dtype == "float32" for layer in build_model(name).layers)


def test_registry_carries_labels_questions_and_the_cli_help():
    assert labels()["tiny_vgg_bn"] == "tiny VGG + BatchNorm" and list(labels()) == list(VARIANTS)
    assert [v.question for v in VARIANTS.values()] == ["Q4", "Q13", "Q14", "Q15"]
    assert variant_help() == "tiny_vgg (Q4), tiny_vgg_bn (Q13), tiny_vgg_3blocks (Q14), tiny_resnet (Q15)"
    assert all(v.description and v.name == name for name, v in VARIANTS.items())


def test_trainable_count_leaves_out_batchnorm_running_statistics():
    from cnnlab.models import build_model, trainable_count

    assert trainable_count(build_model("tiny_vgg")) == build_model("tiny_vgg").count_params() == 9420
    bn = build_model("tiny_vgg_bn")
    # Four BatchNormalization layers of 10 channels: gamma and beta train (80), the running mean and variance not (80).
    assert (trainable_count(bn), bn.count_params()) == (9500, 9580)


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn", "tiny_vgg_3blocks"])
def test_the_plain_keras_listing_builds_the_same_network(variant):
    """Q4 shows the tiny VGG as plain Keras code; run, it must build the network the runs trained."""
    keras = import_keras()
    model = build_model(variant)
    scope = {"keras": keras, "layers": keras.layers}
    exec(sequential_listing(model), scope)
    keys = ("type", "output_shape", "parameters", "activation", "window")
    layers = lambda m: [tuple(r[k] for k in keys) for r in layer_table(m) if r["type"] != "InputLayer"]  # noqa: E731
    assert layers(scope["model"]) == layers(model)  # a Sequential model lists no input layer
    assert scope["model"].input_shape == model.input_shape


def test_a_network_with_shortcuts_has_no_sequential_listing():
    with pytest.raises(ValueError, match="not a chain of layers"):
        sequential_listing(build_model("tiny_resnet"))
