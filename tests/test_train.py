"""Training under the protocol: the loss falls, runs repeat exactly, Keras's validation split is kept."""

import numpy as np
import pytest

from cnnlab.callbacks import BackgroundEvaluation
from cnnlab.config import RunConfig
from cnnlab.data import load_local, preprocess
from cnnlab.determinism import seed_everything
from cnnlab.quiet import import_keras
from cnnlab.train import STEPS_PER_EXECUTION, compile_model, initial_model, train_run


@pytest.fixture(scope="module")
def data(tiny_data_dir):
    return load_local(tiny_data_dir)


def test_loss_falls_over_two_epochs(data):
    result = train_run(RunConfig("tiny_vgg", 0, epochs=2, train_subset=2000), data)
    losses = result.history["loss"].tolist()
    assert losses[1] < losses[0] < np.log(10) * 1.05
    assert result.metrics["n_train"] == 1400 and result.metrics["n_validation"] == 600
    assert {"test_loss", "test_accuracy", "val_loss", "seconds"} <= set(result.history.columns)
    confusion = np.array(result.metrics["confusion_matrix"])
    assert confusion.sum() == result.metrics["n_test"] == 300
    assert np.trace(confusion) / confusion.sum() == pytest.approx(result.metrics["test_accuracy"])


def test_same_seed_same_metrics_other_seed_differs(data):
    config = RunConfig("tiny_resnet", 5, epochs=1, train_subset=500)
    first, second = train_run(config, data), train_run(config, data)
    other = train_run(RunConfig("tiny_resnet", 6, epochs=1, train_subset=500), data)
    columns = ["loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"]
    assert first.history[columns].equals(second.history[columns])
    assert first.metrics["test_loss"] == second.metrics["test_loss"]
    assert other.metrics["test_loss"] != first.metrics["test_loss"]


def test_training_follows_a_plain_keras_fit(data):
    """cnnlab's run computes what a student's plain fit computes: same per-epoch training losses."""
    config = RunConfig("tiny_vgg_bn", 2, epochs=2, train_subset=600)
    ours = train_run(config, data)
    seed_everything(config.seed)
    model = compile_model(config)
    plain = model.fit(
        preprocess(data.x_train[:600]), data.y_train[:600], epochs=2, batch_size=128, validation_split=0.3, verbose=0
    )
    np.testing.assert_array_equal(ours.history["loss"], plain.history["loss"])
    np.testing.assert_allclose(ours.history["val_loss"], plain.history["val_loss"], rtol=1e-5)


def test_steps_per_execution_changes_nothing_computed(data):
    """Several batches per compiled call, with a remainder (14 steps = 8 + 6) or more than an epoch."""
    config = RunConfig("tiny_vgg", 4, epochs=2, train_subset=2000)
    one = train_run(config, data, steps_per_execution=1)
    assert STEPS_PER_EXECUTION > 14  # the default then covers a whole epoch (1,400 images / 128)
    for many in (train_run(config, data, steps_per_execution=8), train_run(config, data)):
        assert one.history["loss"].tolist() == many.history["loss"].tolist()
        assert one.metrics["test_loss"] == many.metrics["test_loss"]


def test_a_failed_background_evaluation_is_raised(data):
    """An error in the evaluation thread reaches the caller instead of leaving the history short."""
    config = RunConfig("tiny_vgg", 0, epochs=1, train_subset=300)
    model = compile_model(config)
    wrong = np.zeros((8, 16, 16, 3), dtype="float32")
    evaluation = BackgroundEvaluation(compile_model(config), {"val": (wrong, np.zeros(8, dtype="uint8"))})
    model.fit(preprocess(data.x_train[:300]), data.y_train[:300], epochs=1, verbose=0, callbacks=[evaluation])
    with pytest.raises(ValueError):
        evaluation.results()


def test_mixed_bfloat16_trains_with_float32_outputs(data):
    """The optional precision computes in bfloat16 but keeps float32 weights and a float32 softmax."""
    result = train_run(RunConfig("tiny_vgg", 0, epochs=2, train_subset=2000, precision="mixed_bfloat16"), data)
    losses = result.history["loss"].tolist()
    assert np.isfinite(losses).all() and losses[1] < losses[0]
    conv = result.model.get_layer("block1_conv1")
    assert conv.compute_dtype == "bfloat16" and conv.kernel.dtype == "float32"
    assert result.model.output.dtype == "float32"
    assert import_keras().mixed_precision.global_policy().name == "float32"  # nothing global was changed


def test_initial_model_holds_the_weights_a_run_starts_from(monkeypatch, data):
    """Q11 compares trained filters with each seed's initial ones: those a run's fit starts from."""
    import cnnlab.train

    class Started(Exception):
        pass

    def fit(model, *args):
        raise Started([w.copy() for w in model.get_weights()])

    monkeypatch.setattr(cnnlab.train, "_fit", fit)
    config = RunConfig("tiny_vgg", 0, epochs=1, train_subset=200, init_seed=3, order_seed=1)
    with pytest.raises(Started) as started:
        train_run(config, data)
    initial = initial_model(config).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(started.value.args[0], initial, strict=True))
    other = initial_model(RunConfig("tiny_vgg", 0, init_seed=4)).get_weights()
    assert not np.array_equal(initial[0], other[0])
