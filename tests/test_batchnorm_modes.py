"""BatchNorm's two modes: batch statistics ignore the stored ones, the model is left unchanged, and the parts."""

import numpy as np
import pytest

from cnnlab import batchnorm_modes as batchnorm_modes_module
from cnnlab.batchnorm import recalibrate
from cnnlab.batchnorm_modes import batchnorm_modes, split_parts
from cnnlab.data import preprocess
from cnnlab.features import load_trained
from cnnlab.inference import accuracy, has_batchnorm, training_mode_accuracy, training_mode_predictions
from cnnlab.models import build_model
from cnnlab.quiet import import_keras
from tests.tiny_run import tiny_data, tiny_run


def _images(n: int = 96) -> np.ndarray:
    return np.random.default_rng(0).random((n, 32, 32, 3), dtype=np.float32)


def test_training_mode_uses_batch_statistics_and_restores_the_model():
    keras = import_keras()
    model, x = build_model("tiny_vgg_bn"), _images()
    labels = model.predict(x, verbose=0).argmax(axis=1)
    before = [w.copy() for w in model.get_weights()]
    in_training_mode = training_mode_accuracy(model, x, labels, batch_size=32)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    for layer in model.layers:  # stored statistics far off change inference, not training mode
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([gamma, beta, mean + 5.0, var * 9.0])
    assert training_mode_accuracy(model, x, labels, batch_size=32) == in_training_mode


def test_one_batch_with_its_own_statistics_is_inference_mode():
    model, x = build_model("tiny_vgg_bn"), _images(64)
    recalibrate(model, x)  # stored statistics = those of the whole set, i.e. of the single batch
    labels = model.predict(x, verbose=0).argmax(axis=1)
    assert accuracy(model, x, labels) == 1.0
    assert training_mode_accuracy(model, x, labels, batch_size=64) >= 0.98


def test_parts_follow_the_runs_split():
    record = tiny_run("tiny_vgg")
    parts = split_parts(record, tiny_data())
    assert [len(parts[p][0]) for p in ("train", "validation", "test")] == [210, 90, 300]


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn"])
def test_modes_of_a_cached_run(variant):
    record = tiny_run(variant)
    result = batchnorm_modes(record, tiny_data())
    assert result["batchnorm"] == has_batchnorm(build_model(variant))
    assert result["test_inference"] == pytest.approx(record.metrics["test_accuracy"])
    assert result["validation_inference"] == pytest.approx(record.metrics["final_val_accuracy"], abs=1e-6)
    assert result["gap_inference"] == pytest.approx(result["train_inference"] - result["validation_inference"])
    if variant == "tiny_vgg":
        assert result["train_training"] is None
    else:
        assert all(0 <= result[f"{p}_training"] <= 1 for p in ("train", "validation", "test"))


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn"])
def test_exact_modes_score_the_exact_images_in_batches_of_their_own(variant, monkeypatch):
    monkeypatch.setattr(batchnorm_modes_module, "EXACT_TEST_IMAGES", 200)  # the tiny test set has 300 images
    record, data = tiny_run(variant), tiny_data()
    result = batchnorm_modes_module.exact_modes(record, data)
    model, x = load_trained(record), preprocess(data.x_test[:200])
    assert result["images"] == 200
    assert result["exact_inference"] == pytest.approx(accuracy(model, x, data.y_test[:200]))
    if variant == "tiny_vgg":
        assert result["exact_training"] is None
        return
    # images 128-199 make a batch of their own: no later (JPEG-derived) image enters its statistics
    assert result["exact_training"] == pytest.approx(training_mode_accuracy(model, x, data.y_test[:200]))
    whole = training_mode_predictions(model, preprocess(data.x_test))
    np.testing.assert_array_equal(training_mode_predictions(model, x)[:128], whole[:128])  # batches are slices
    monkeypatch.setattr(batchnorm_modes_module, "EXACT_TEST_IMAGES", 1000)
    assert batchnorm_modes_module.exact_modes(record, data)["images"] == 300  # no more than the test set holds
