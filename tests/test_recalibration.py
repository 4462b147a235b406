"""BatchNorm's statistics recomputed after training: scored on the full test set and on its exact images."""

import pytest

from cnnlab import recalibration
from cnnlab.batchnorm import RECALIBRATION_IMAGES, recalibrate, recalibrated_accuracy
from cnnlab.data import preprocess
from cnnlab.derived import derived_path
from cnnlab.features import load_trained
from cnnlab.inference import accuracy
from tests.tiny_run import tiny_data, tiny_run


def test_recalibrated_scores_give_the_full_set_and_the_exact_images(monkeypatch):
    monkeypatch.setattr(recalibration, "EXACT_TEST_IMAGES", 100)  # the tiny test set has 300 images
    record, data = tiny_run("tiny_vgg_bn"), tiny_data()
    scores = recalibration.recalibrated_scores(record, data)
    assert scores["accuracy"] == pytest.approx(recalibrated_accuracy(record, data))
    model = load_trained(record)
    recalibrate(model, preprocess(data.x_train[:RECALIBRATION_IMAGES]))
    assert scores["exact_accuracy"] == pytest.approx(accuracy(model, preprocess(data.x_test[:100]), data.y_test[:100]))


def test_recalibrated_table_is_cached_under_a_new_version():
    record, data = tiny_run("tiny_vgg_bn"), tiny_data()
    table = recalibration.recalibrated_table({"tiny_vgg_bn": [record]}, data)
    assert list(table.columns) == ["variant", "seed", "accuracy", "exact_accuracy"]
    assert recalibration.VERSION >= 2 and derived_path(record, "recalibrated", recalibration.VERSION).is_file()
