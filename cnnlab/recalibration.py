"""BatchNorm's running statistics recomputed after training, scored on the full test set and its exact images.

A diagnostic, not part of the protocol (``cnnlab.batchnorm``): the scores are cached per run beside the
runs (``cnnlab.derived``), since recomputing them costs seconds per run. Version 2 adds the accuracy on
the exact first test images to version 1's full-set accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cnnlab.cache import RunRecord
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.derived import derived_table

ANALYSIS, VERSION = "recalibrated", 2


def recalibrated_scores(record: RunRecord, data: Cifar10) -> dict[str, Any]:
    """Test accuracy of a run after recomputing its BatchNorm statistics from its first training images:
    on the full test set (``accuracy``) and on the exact first ``EXACT_TEST_IMAGES`` (``exact_accuracy``)."""
    from cnnlab.batchnorm import RECALIBRATION_IMAGES, recalibrate  # imports Keras
    from cnnlab.evaluation import evaluate
    from cnnlab.features import load_trained

    model = load_trained(record)
    recalibrate(model, preprocess(data.x_train[:RECALIBRATION_IMAGES]))
    metrics, predicted = evaluate(model, preprocess(data.x_test), data.y_test)
    exact = np.asarray(predicted[:EXACT_TEST_IMAGES]) == np.asarray(data.y_test[:EXACT_TEST_IMAGES])
    return {"accuracy": metrics["accuracy"], "exact_accuracy": float(exact.mean())}


def recalibrated_table(runs: dict[str, list[RunRecord]], data: Cifar10) -> pd.DataFrame:
    """:func:`recalibrated_scores` of every run (variant, seed, accuracy, exact_accuracy), cached per run."""
    return derived_table(runs, ANALYSIS, VERSION, lambda record: recalibrated_scores(record, data))
