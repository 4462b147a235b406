"""Q11-Q12's filter study on made-up kernels: per-seed medians before and after training, and against ResNet50."""

from types import SimpleNamespace

import numpy as np
import pytest

from cnnlab.filters import Filters, redrawn_note
from cnnlab.quiet import import_keras


def _kernels(seeds: int, colour: float, rng: np.random.Generator) -> list[np.ndarray]:
    """3 x 3 x 3 x 10 kernels: a grey part shared by the channels plus ``colour`` times a per-channel part."""
    return [rng.normal(size=(3, 3, 1, 10)) + colour * rng.normal(size=(3, 3, 3, 10)) for _ in range(seeds)]


def test_training_that_greys_the_filters_is_said_with_its_size_and_resnet_is_compared_over_seeds():
    rng = np.random.default_rng(0)
    initial = [rng.normal(size=(3, 3, 3, 10)) for _ in range(10)]  # colour share about 2/3
    trained = _kernels(10, 0.5, rng)  # mostly grey
    resnet = np.repeat(rng.normal(size=(7, 7, 1, 64)), 3, axis=2) + 0.05 * rng.normal(size=(7, 7, 3, 64))
    filters = Filters(trained, initial, resnet)
    assert filters.shares("colour share").shape == (100,)
    change = filters.changes["colour share"]
    assert change.difference < 0 and change.ci_high < 0 and change.mean_p < 0.05
    text = filters.conclusion_text()
    assert text.startswith("In the tiny VGG's first-layer filters (@sec-q11), training did not detectably change the")
    assert "and lowered the colour share by " in text and "would have been detected with 80 % power" in text
    assert "first-layer filters of the ImageNet ResNet50 are greyer than the tiny VGG\u2019s" in text
    assert "above it in 10 of 10 seeds" in text
    assert (
        "seed by seed, and its " in text
        and "edge-like filters are not shown to differ from what chance gives (12.5 expected" in text
    )


def test_a_measure_training_did_not_move_is_said_to_be_left_as_initialised():
    rng = np.random.default_rng(1)
    initial, trained = (_kernels(10, 1.0, rng) for _ in range(2))  # the same distribution before and after
    resnet = rng.normal(size=(3, 3, 1, 1000)) + rng.normal(size=(3, 3, 3, 1000))  # the seeds' population
    filters = Filters(trained, initial, resnet)
    text = filters.conclusion_text()
    assert "training did not detectably change the edge share (Holm p = " in text
    assert "did not detectably change the colour share" in text and "do not differ detectably in colour share" in text


def test_initial_weights_drawn_under_another_keras_than_the_runs_are_said_to_be():
    keras = import_keras().__version__
    same = SimpleNamespace(metadata={"versions": {"keras": keras}})
    older = SimpleNamespace(metadata={"versions": {"keras": "3.0.0"}})
    assert redrawn_note([same, SimpleNamespace(metadata={})]) == ""
    note = redrawn_note([same, older])
    assert f"drawn again with Keras {keras} and TensorFlow " in note and "trained with Keras 3.0.0," in note


def test_the_filters_read_resnet50_from_the_report_instead_of_loading_it_again(monkeypatch):
    """Chapter 4 builds ResNet50 once (``Report.resnet50``, its ``resnet`` variable): the filters take its kernel."""
    from cnnlab import features, filters

    kernel = np.ones((7, 7, 3, 64))
    conv1 = SimpleNamespace(get_weights=lambda: [kernel, np.zeros(64)])
    record = SimpleNamespace(config=None, metadata={})
    report = SimpleNamespace(
        results=SimpleNamespace(runs={"tiny_vgg": [record]}),
        trained_model=lambda variant, i: "trained",
        resnet50=SimpleNamespace(get_layer=lambda name: conv1),
    )
    monkeypatch.setattr(features, "load_resnet50", lambda *a: pytest.fail("ResNet50 loaded a second time"))
    monkeypatch.setattr(features, "first_layer_kernel", lambda model: np.zeros((3, 3, 3, 10)))
    monkeypatch.setattr(filters, "initial_model", lambda config: "initial")
    assert Filters.of(report).resnet is kernel


def test_how_far_training_moved_the_layer_is_measured_against_the_initial_weights():
    rng = np.random.default_rng(2)
    initial = [rng.normal(size=(3, 3, 3, 10)) for _ in range(4)]
    scaled = Filters([2.0 * k for k in initial], initial, initial[0])  # doubled: changed by their own size, same shape
    assert scaled.movement["change"] == pytest.approx([1.0] * 4)
    assert scaled.movement["growth"] == pytest.approx([2.0] * 4)
    assert scaled.movement["cosine"] == pytest.approx([1.0] * 4)
    assert "the change in its weights is 1.00 ± 0.00 times the size of the initial weights" in scaled.movement_text()
    assert "the layer did not stay as drawn" in scaled.movement_text()
    nudged = Filters([k + 0.01 * rng.normal(size=k.shape) for k in initial], initial, initial[0])
    assert nudged.movement["cosine"] == pytest.approx([1.0] * 4, abs=1e-3)
    assert nudged.movement_text().startswith("Training barely moved the layer")
    assert "may only mean that the layer stayed close to its draw" in nudged.movement_text()
    assert scaled.movement_text().startswith("Training moved the layer")
    assert Filters(initial[:1], initial[:1], initial[0]).movement_text() == ""
