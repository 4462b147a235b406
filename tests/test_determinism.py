"""Seeds, threads and the order of the training images: what each seed fixes, and what stays as before."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cnnlab.train
from cnnlab.config import RunConfig
from cnnlab.data import load_local
from cnnlab.determinism import configure_threads, epoch_permutation, keras_epoch_orders
from cnnlab.errors import ConfigError
from cnnlab.quiet import import_keras
from cnnlab.train import train_run

REFERENCE = Path(__file__).resolve().parent / "data"
COLUMNS = ["loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"]


@pytest.fixture(scope="module")
def data(tiny_data_dir):
    return load_local(tiny_data_dir)


def test_keras_repeats_the_batch_order_of_a_seeded_fit():
    """What the protocol's runs do: under a fixed seed every epoch visits the images in one shuffled order."""
    orders = keras_epoch_orders(seed=0)
    assert all(sorted(order) == list(range(12)) for order in orders)
    assert orders[0] != list(range(12))
    assert orders[0] == orders[1] == orders[2]
    assert keras_epoch_orders(seed=1)[0] != orders[0]


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn"])
def test_default_seeds_compute_what_runs_computed_before_the_seed_fields(data, variant):
    """init_seed = order_seed = seed with Keras's shuffle: the numbers stored before those fields existed.

    tests/data/reference_*.csv were written by the code of f0cd0ed (one thread, this tiny data).
    """
    result = train_run(RunConfig(variant, 3, epochs=3, train_subset=1000), data)
    reference = pd.read_csv(REFERENCE / f"reference_{variant}_seed3.csv")
    np.testing.assert_allclose(result.history[COLUMNS], reference[COLUMNS], rtol=1e-7)


def test_epoch_permutation_is_new_each_epoch_and_repeatable():
    first, second = epoch_permutation(4, 0, 50), epoch_permutation(4, 1, 50)
    assert sorted(first) == sorted(second) == list(range(50))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, epoch_permutation(4, 0, 50))
    assert not np.array_equal(first, epoch_permutation(5, 0, 50))


class _Recorded:
    """What a patched run saw: its initial weights and, per epoch, the training images it visited."""

    def __init__(self) -> None:
        self.initial: list[np.ndarray] | None = None
        self.batches: list[int] = []


def _recording_run(monkeypatch, data, config: RunConfig) -> tuple[_Recorded, RunConfig]:
    """Train ``config`` with a small eager model that records each training batch's image indices.

    Each training image's top-left red value is replaced by its index (the data is uint8, so the
    subset has at most 256 images); the recorder reads it back from every batch.
    """
    keras = import_keras()
    recorded = _Recorded()
    n = config.train_subset
    x = data.x_train.copy()
    x[:n, 0, 0, 0] = np.arange(n)

    class Recorder(keras.layers.Layer):
        def call(self, inputs, training=None):
            if training:
                recorded.batches.extend(int(v) for v in np.rint(np.asarray(inputs)[:, 0, 0, 0] * 255))
            return inputs

    def compile_model(cfg, steps_per_execution=1):
        model = keras.Sequential(
            [keras.Input((32, 32, 3)), Recorder(), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
        )
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=True)
        if recorded.initial is None:
            recorded.initial = [w.copy() for w in model.get_weights()]
        return model

    monkeypatch.setattr(cnnlab.train, "compile_model", compile_model)
    monkeypatch.setattr(cnnlab.train, "training_arrays", lambda cfg, d: (x[:n] / np.float32(255), d.y_train[:n]))
    train_run(config, data)
    return recorded, config


def _epochs(recorded: _Recorded, n_fit: int) -> list[list[int]]:
    return [recorded.batches[i : i + n_fit] for i in range(0, len(recorded.batches), n_fit)]


BASE = RunConfig("tiny_vgg", 0, epochs=2, train_subset=200, batch_size=32, init_seed=1, order_seed=0)
N_FIT = 140  # 200 images, the last 30 % held out


def test_init_seed_changes_the_initial_weights_and_not_the_order(monkeypatch, data):
    one, _ = _recording_run(monkeypatch, data, BASE)
    other, _ = _recording_run(monkeypatch, data, replace(BASE, init_seed=2))
    assert not np.array_equal(one.initial[-2], other.initial[-2])
    assert one.batches == other.batches and sorted(_epochs(one, N_FIT)[0]) == list(range(N_FIT))


def test_order_seed_changes_the_order_and_not_the_initial_weights(monkeypatch, data):
    one, _ = _recording_run(monkeypatch, data, BASE)
    other, _ = _recording_run(monkeypatch, data, replace(BASE, order_seed=5))
    assert all(np.array_equal(a, b) for a, b in zip(one.initial, other.initial, strict=True))
    assert one.batches != other.batches
    assert sorted(one.batches) == sorted(other.batches)


def test_keras_shuffle_repeats_one_order_every_epoch_shuffle_every_epoch_does_not(monkeypatch, data):
    keras_order, _ = _recording_run(monkeypatch, data, BASE)
    first, second = _epochs(keras_order, N_FIT)
    assert first == second

    reshuffled, config = _recording_run(monkeypatch, data, replace(BASE, shuffle="every_epoch"))
    first, second = _epochs(reshuffled, N_FIT)
    assert first != second
    # Only the training part: the validation part (the last 30 %, as Keras splits) is never visited.
    assert sorted(first) == sorted(second) == list(range(N_FIT))
    for epoch, seen in enumerate((first, second)):
        assert seen == epoch_permutation(config.order_seed, epoch, N_FIT).tolist()
    again, _ = _recording_run(monkeypatch, data, replace(BASE, shuffle="every_epoch"))
    assert again.batches == reshuffled.batches


def test_a_reshuffled_run_trains_and_repeats(data):
    config = RunConfig("tiny_vgg", 2, epochs=2, train_subset=600, shuffle="every_epoch")
    first, second = train_run(config, data), train_run(config, data)
    assert first.history[COLUMNS].equals(second.history[COLUMNS])
    assert not first.history[COLUMNS].equals(train_run(replace(config, shuffle="keras"), data).history[COLUMNS])


def test_threads_cannot_change_once_tensorflow_runs():
    configure_threads(1)  # the setting of this test process (conftest): nothing to change
    with pytest.raises(ConfigError, match="new process"):
        configure_threads(2)
