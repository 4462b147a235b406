"""Loading (local pickles, error when missing), preprocessing (Q3) and the Q1 facts."""

import numpy as np
import pytest

from cnnlab.data import CLASS_NAMES, data_facts, load_cifar10, load_local, preprocess, write_batches
from cnnlab.errors import DataNotFoundError
from tests.conftest import REAL_DATA, make_tiny_cifar


def test_pickle_roundtrip_keeps_order_and_pixels(tmp_path):
    data = make_tiny_cifar(n_train=50, n_test=20)
    loaded = load_local(write_batches(tmp_path / "cifar-10-batches-py", data))
    np.testing.assert_array_equal(loaded.x_train, data.x_train)
    np.testing.assert_array_equal(loaded.y_test, data.y_test)
    assert loaded.x_train.dtype == np.uint8 and loaded.x_train.shape == (50, 32, 32, 3)
    assert loaded.fingerprint() == data.fingerprint()


def test_fingerprint_changes_with_one_pixel():
    data = make_tiny_cifar(n_train=50, n_test=20)
    changed = data.x_test.copy()
    changed[0, 0, 0, 0] ^= 1
    other = type(data)(data.x_train, data.y_train, changed, data.y_test, "other")
    assert other.fingerprint() != data.fingerprint()


def test_fingerprint_hashes_the_arrays_once_per_instance(monkeypatch):
    import cnnlab.data

    data = make_tiny_cifar(n_train=50, n_test=20)
    calls = []
    real = cnnlab.data.hashlib.sha256
    monkeypatch.setattr(cnnlab.data.hashlib, "sha256", lambda: calls.append(1) or real())
    assert data.fingerprint() == data.fingerprint() and len(calls) == 1


def test_environment_variable_names_the_folder(tiny_data_dir, monkeypatch):
    monkeypatch.setenv("CNNLAB_DATA", str(tiny_data_dir))
    assert load_cifar10().x_train.shape[0] == 2000


def test_missing_folder_says_what_to_set(tmp_path):
    with pytest.raises(DataNotFoundError, match="CNNLAB_DATA or --data"):
        load_cifar10(tmp_path / "nowhere")


def test_corrupt_pickle_is_a_data_error(tmp_path):
    folder = write_batches(tmp_path / "d", make_tiny_cifar(n_train=50, n_test=20))
    (folder / "test_batch").write_bytes(b"not a pickle")
    with pytest.raises(DataNotFoundError, match="cannot read"):
        load_local(folder)


def test_preprocess_scales_to_unit_interval():
    x = np.array([[[[0, 128, 255]]]], dtype=np.uint8)
    scaled = preprocess(x)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled.ravel(), [0.0, 128 / 255, 1.0])
    with pytest.raises(ValueError, match="uint8"):
        preprocess(x.astype(np.float32))


def test_facts():
    data = make_tiny_cifar(n_train=200, n_test=50)
    facts = data_facts(data)
    assert facts["n_train"] == 200 and facts["n_test"] == 50 and facts["image_shape"] == [32, 32, 3]
    assert sum(facts["train_per_class"]) == 200 and facts["classes"] == list(CLASS_NAMES)
    np.testing.assert_allclose(facts["channel_mean"], data.x_train.reshape(-1, 3).mean(0) / 255)


@pytest.mark.skipif(not REAL_DATA.is_dir(), reason="the offline CIFAR-10 copy is not beside the project")
def test_real_cifar10_matches_its_published_facts():
    data = load_cifar10(REAL_DATA)
    assert data.x_train.shape == (50000, 32, 32, 3) and data.x_test.shape == (10000, 32, 32, 3)
    assert data.y_train[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert data.y_test[:10].tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]
    facts = data_facts(data)
    np.testing.assert_allclose(facts["channel_mean"], [0.4914, 0.4822, 0.4465], atol=1e-4)
    np.testing.assert_allclose(facts["channel_std"], [0.2470, 0.2435, 0.2616], atol=1e-4)
    assert facts["train_per_class"] == [5000] * 10
