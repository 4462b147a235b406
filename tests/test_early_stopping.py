"""Early-stopping facts from a constructed history."""

import pandas as pd
import pytest

from cnnlab.early_stopping import stopping_facts


def test_facts_of_a_constructed_history():
    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3, 4, 5],
            "val_loss": [2.0, 1.2, 1.0, 1.3, 1.6],
            "val_accuracy": [0.30, 0.50, 0.55, 0.58, 0.58],
            "test_loss": [2.1, 1.1, 1.05, 1.4, 1.7],
            "test_accuracy": [0.29, 0.49, 0.54, 0.56, 0.53],
        }
    )
    facts = stopping_facts(history)
    assert facts.epochs == 5
    assert (facts.min_val_loss_epoch, facts.min_val_loss) == (3, 1.0)
    assert facts.val_loss_rise == pytest.approx(0.6)
    assert facts.min_test_loss == 1.05 and facts.test_loss_rise == pytest.approx(0.65)
    assert facts.best_val_accuracy_epoch == 4  # the first of the tied best epochs
    assert facts.test_accuracy_at_best_val == 0.56 and facts.test_accuracy_at_min_val_loss == 0.54
    assert facts.final_test_accuracy == 0.53 and facts.early_stopping_gain == pytest.approx(0.03)


def test_empty_history_is_refused():
    with pytest.raises(ValueError):
        stopping_facts(pd.DataFrame(columns=["epoch", "val_loss", "val_accuracy", "test_loss", "test_accuracy"]))
