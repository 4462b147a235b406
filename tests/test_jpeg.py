"""JPEG round trips on synthetic images, the offline copy's settings recognised, and the paired experiment."""

import numpy as np
import pytest

from cnnlab.data import Cifar10
from cnnlab.jpeg import jpeg_pair, jpeg_roundtrip, mean_abs_difference, roundtrip_check
from tests.conftest import make_tiny_cifar
from tests.tiny_run import tiny_data, tiny_run


def _noisy(n: int, seed: int = 0) -> np.ndarray:
    return make_tiny_cifar(n_train=10, n_test=n, seed=seed).x_test


def test_roundtrip_is_deterministic_lossy_and_keeps_flat_images():
    images = _noisy(8)
    once = jpeg_roundtrip(images)
    assert once.shape == images.shape and once.dtype == np.uint8
    assert np.array_equal(once, jpeg_roundtrip(images))
    assert mean_abs_difference(once, images).min() > 1  # noise does not survive JPEG
    flat = np.full((2, 32, 32, 3), 128, dtype=np.uint8)
    assert np.array_equal(jpeg_roundtrip(flat), flat)


def test_settings_matter_and_reencoding_nearly_reproduces():
    images = _noisy(8)
    once = jpeg_roundtrip(images)
    assert not np.array_equal(once, jpeg_roundtrip(images, subsampling="4:4:4"))
    assert not np.array_equal(once, jpeg_roundtrip(images, quality=90))
    # A JPEG image encoded again with its own settings moves far less than the first encoding moved it.
    assert mean_abs_difference(jpeg_roundtrip(once), once).mean() < mean_abs_difference(once, images).mean() / 4


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        jpeg_roundtrip(np.zeros((2, 32, 32, 3), dtype=np.float32))
    with pytest.raises(ValueError):
        jpeg_roundtrip(np.zeros((32, 32, 3), dtype=np.uint8))


def test_check_recognises_the_settings_that_made_the_lossy_part():
    tiny = make_tiny_cifar(n_train=10, n_test=1040)
    x_test = tiny.x_test.copy()
    x_test[1000:] = jpeg_roundtrip(x_test[1000:])  # the lossy part, made as the offline copy's was
    check = roundtrip_check(Cifar10(tiny.x_train, tiny.y_train, x_test, tiny.y_test, "tiny"))
    assert check["deterministic"] and check["exact_mean_abs_error"] > 1
    errors = check["lossy_reencoding_error"]
    assert min(errors, key=errors.get) == "q75 4:2:0" and errors["q75 4:2:0"] < check["exact_mean_abs_error"] / 4


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn"])
def test_pair_scores_the_recorded_exact_accuracy_and_the_jpeg_copies(variant):
    record = tiny_run(variant)
    result = jpeg_pair(record, tiny_data())
    assert result["n"] == 300
    assert result["exact"] == pytest.approx(record.metrics["test_exact_accuracy"])
    assert result["drop"] == pytest.approx(result["exact"] - result["jpeg"])
    if variant == "tiny_vgg":
        assert result["jpeg_recomputed"] is None and result["drop_recomputed"] is None
    else:
        assert 0 <= result["jpeg_recomputed"] <= 1
        assert result["drop_recomputed"] == pytest.approx(result["exact_recomputed"] - result["jpeg_recomputed"])
