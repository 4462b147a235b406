"""Looking inside models (Q10-Q12) on tiny, untrained models: feature maps, kernels, channel correlation."""

import numpy as np
import pytest
from scipy import ndimage

from cnnlab.cache import WEIGHTS_FILE, RunRecord, write_manifest
from cnnlab.config import RunConfig
from cnnlab.errors import DataNotFoundError
from cnnlab.features import (
    activations,
    bgr_to_rgb,
    channel_correlation,
    colour_share,
    edge_orientation,
    edge_share,
    first_layer_kernel,
    load_resnet50,
    load_trained,
    map_correlations,
    random_colour_share,
    random_edge_share,
    receptive_fields,
)
from cnnlab.models import build_model, feature_layers

WIDTH = 3


@pytest.fixture(scope="module")
def model():
    return build_model("tiny_vgg", width=WIDTH)


def test_activations_are_the_spatial_layers_outputs_for_one_image(model):
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    maps = activations(model, image)
    assert list(maps) == feature_layers(model)
    assert maps["block1_conv1"].shape == (32, 32, WIDTH) and maps["block2_pool"].shape == (8, 8, WIDTH)
    assert (maps["block1_conv1"] >= 0).all()  # after the ReLU
    conv = maps["block1_conv2"]  # the pooling's input, pooled by hand
    pooled = conv.reshape(16, 2, 16, 2, WIDTH).max(axis=(1, 3))
    np.testing.assert_allclose(maps["block1_pool"], pooled, rtol=1e-6)


@pytest.mark.parametrize(("variant", "size"), [("tiny_vgg", 3), ("tiny_resnet", 7)])
def test_first_layer_kernel_is_the_first_convolution(variant, size):
    model = build_model(variant, width=WIDTH)
    kernel = first_layer_kernel(model)
    assert kernel.shape == (size, size, 3, WIDTH)
    first = next(layer for layer in model.layers if "conv" in layer.name)
    np.testing.assert_array_equal(kernel, first.get_weights()[0])


def test_bgr_to_rgb_reverses_the_input_channels():
    kernel = np.arange(2 * 2 * 3 * 4).reshape(2, 2, 3, 4)
    rgb = bgr_to_rgb(kernel)
    np.testing.assert_array_equal(rgb[:, :, 0], kernel[:, :, 2])
    np.testing.assert_array_equal(rgb[:, :, 2], kernel[:, :, 0])
    np.testing.assert_array_equal(bgr_to_rgb(rgb), kernel)


def test_channel_correlation_of_grey_and_colour_opponent_filters():
    pattern = np.random.default_rng(1).normal(size=(3, 3))
    grey = np.stack([pattern, pattern, pattern], axis=-1)
    opponent = np.stack([pattern, -pattern, pattern], axis=-1)  # R-G -1, R-B +1, G-B -1
    correlation = channel_correlation(np.stack([grey, opponent], axis=-1))
    np.testing.assert_allclose(correlation, [1.0, -1 / 3], atol=1e-12)


@pytest.mark.parametrize(("precision", "compute"), [("float32", "float32"), ("mixed_bfloat16", "bfloat16")])
def test_load_trained_rebuilds_the_run_and_loads_its_weights(tmp_path, precision, compute):
    trained = build_model("tiny_vgg_bn", width=WIDTH)
    trained.save_weights(tmp_path / WEIGHTS_FILE)
    write_manifest(tmp_path)
    config = RunConfig("tiny_vgg_bn", 0, width=WIDTH, precision=precision)
    loaded = load_trained(RunRecord(tmp_path, "done", config))
    assert loaded.name == "tiny_vgg_bn" and loaded.get_layer("block1_conv1").compute_dtype == compute
    for expected, actual in zip(trained.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(expected, actual)


def test_an_offline_conv1_path_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(DataNotFoundError, match="does not exist"):
        load_resnet50(tmp_path / "missing.npz")


def test_colour_share_of_grey_single_channel_and_opponent_filters():
    grey = np.ones((3, 3, 3))
    red = np.stack([np.ones((3, 3)), np.zeros((3, 3)), np.zeros((3, 3))], axis=2)
    opponent = np.stack([np.ones((3, 3)), -np.ones((3, 3)), np.zeros((3, 3))], axis=2)
    shares = colour_share(np.stack([grey, red, opponent, 0.5 * grey + 0.1 * opponent], axis=-1))
    assert shares[:3] == pytest.approx([0.0, 2 / 3, 1.0]) and 0 < shares[3] < 0.1


def test_edge_share_and_orientation_of_edges_a_spot_and_random_filters():
    rows, cols = np.meshgrid(np.arange(3.0), np.arange(3.0), indexing="ij")
    sobel = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    spot = np.zeros((3, 3))
    spot[1, 1] = 1.0
    pictures = [cols, rows[::-1], sobel, rows + cols, spot, np.ones((3, 3))]  # the same in every channel
    kernel = np.stack([np.repeat(p[:, :, None], 3, axis=2) for p in pictures], axis=-1)
    shares, angles = edge_share(kernel), edge_orientation(kernel)
    assert shares[:4] == pytest.approx([1, 1, 8 / 9, 1]) and shares[4] == pytest.approx(0)
    assert np.isnan(shares[5])  # a flat filter has no pattern to explain
    # Rising to the right: a vertical edge (0°); rising upwards or downwards: a horizontal one (90°); diagonal.
    assert angles[:4] == pytest.approx([0, 90, 0, 45])
    random = np.random.default_rng(0).normal(size=(3, 3, 3, 4000))
    assert edge_share(random).mean() == pytest.approx(2 / 8, abs=0.01)  # 2 of the pattern's 8 dimensions


@pytest.mark.parametrize("draw", ["normal", "uniform"])  # Keras's default initialiser draws uniform ones about 0
def test_random_weights_score_the_measures_their_yardsticks_say(draw):
    """The chance levels Q11 compares its filters with: the edge share's Beta distribution and the colour share's
    mean, against many random 3 × 3 × 3 filters."""
    rng = np.random.default_rng(0)
    random = getattr(rng, draw)(-1 if draw == "uniform" else 0, 1, size=(3, 3, 3, 20000))
    shares, chance = edge_share(random), random_edge_share(3, 3)
    assert chance.args == (1, 3)
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert np.quantile(shares, q) == pytest.approx(chance.ppf(q), abs=0.015)
    assert (shares > 0.5).mean() == pytest.approx(chance.sf(0.5), abs=0.01)
    colours, colour_chance = colour_share(random), random_colour_share(3, 3, 3)
    assert colour_chance.args == (9, 4.5) and colour_chance.mean() == pytest.approx(2 / 3)
    for q in (0.1, 0.5, 0.9):
        assert np.quantile(colours, q) == pytest.approx(colour_chance.ppf(q), abs=0.015)
    assert random_edge_share(5, 5).mean() == pytest.approx(2 / 24)  # a wider window: 2 of 24 dimensions


def test_receptive_fields_of_the_tiny_vgg(model):
    # 3 x 3 convolutions add 2 pixels at stride 1; pooling adds 1 and doubles the stride
    fields = receptive_fields(model)
    assert list(fields.values()) == [3, 5, 6, 10, 14, 16] and list(fields) == feature_layers(model)


def test_map_correlations_find_a_map_that_is_the_images_brightness_or_its_edges():
    """Q10's reading: a map equal to the brightness correlates 1 with it; one equal to the edge strength, 1 with
    that; a constant map says nothing (NaN)."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (8, 8, 3)).astype(np.uint8)
    brightness = image.astype(float) @ np.array([0.299, 0.587, 0.114])
    edges = np.hypot(ndimage.sobel(brightness / 255, 0), ndimage.sobel(brightness / 255, 1))
    pooled = edges.reshape(4, 2, 4, 2).mean(axis=(1, 3))  # averaged down to a 4 x 4 map
    maps = {"bright": np.stack([brightness, -brightness], -1), "edges": pooled[..., None], "flat": np.ones((4, 4, 1))}
    found = {name: map_correlations({name: m}, image, 0)[name] for name, m in maps.items()}
    assert found["bright"][0] == pytest.approx(1.0) and abs(found["bright"][1]) < 0.9
    assert found["edges"][1] == pytest.approx(1.0)
    assert np.isnan(found["flat"]).all()
    assert map_correlations({"bright": maps["bright"]}, image, 1)["bright"][0] == pytest.approx(-1.0)
