"""Reading learning curves (Q8) and errors per class from made-up histories and metrics."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cnnlab.confusion import most_confused, per_class_accuracy, summed_confusion
from cnnlab.curves import OVERFIT_TOLERANCE, ends_above_minimum, read_curves


def _history(val_loss, offset=0.0) -> pd.DataFrame:
    val_accuracy = np.linspace(0.3, 0.6, len(val_loss))
    return pd.DataFrame(
        {
            "epoch": np.arange(1, len(val_loss) + 1),
            "val_loss": val_loss,
            "val_accuracy": val_accuracy,
            "test_accuracy": val_accuracy + offset,
        }
    )


def test_ends_above_minimum_uses_the_tolerance():
    assert ends_above_minimum(pd.Series([2.0, 1.0, 1.0 + 2 * OVERFIT_TOLERANCE]))
    assert not ends_above_minimum(pd.Series([2.0, 1.0, 1.0 + OVERFIT_TOLERANCE / 2]))


def test_read_curves_counts_rising_runs_and_the_test_offset():
    rising, flat = _history([2.0, 1.0, 1.5], offset=-0.02), _history([2.0, 1.5, 1.0], offset=-0.04)
    reading = read_curves([rising, flat])
    assert reading.best_val_loss_epochs.tolist() == [2, 3] and reading.rising == 1 and reading.runs == 2
    assert reading.offset == pytest.approx(-0.03) and reading.distance == pytest.approx(0.03)
    with pytest.raises(ValueError):
        read_curves([])


def test_confusions_are_summed_and_the_largest_off_diagonal_share_is_found():
    first = np.diag([10, 10, 10]).tolist()
    second = [[6, 4, 0], [0, 10, 0], [1, 0, 9]]
    metrics = [
        {"confusion_matrix": first, "per_class_accuracy": [1, 1, 1]},
        {"confusion_matrix": second, "per_class_accuracy": [0.6, 1, 0.9]},
    ]
    total = summed_confusion(metrics)
    assert total.tolist() == [[16, 4, 0], [0, 20, 0], [1, 0, 19]]
    assert most_confused(total) == (0, 1, pytest.approx(0.2))
    assert per_class_accuracy(metrics).shape == (2, 3)


@pytest.mark.parametrize("module", ["cnnlab.evidence", "cnnlab.claims", "cnnlab.seed_study"])
def test_the_analysis_imports_no_plotting(module):
    """The numbers and sentences are computed without matplotlib: plotting stays in the viz modules."""
    code = f"import sys, {module}; print(any(m.startswith('matplotlib') for m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
