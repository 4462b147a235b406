"""Early-stopping facts from a constructed history."""

import math

import numpy as np
import pandas as pd
import pytest

from cnnlab.early_stopping import gains, gains_text, stopped_against, stopping_facts


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


def _stopping(gain: dict[str, float], level: dict[str, float]) -> pd.DataFrame:
    """Ten seeds per variant: the last epoch's test accuracy around ``level``, the best-validation epoch's ``gain``
    above it (with a little noise, so that the paired tests have a spread)."""
    noise = np.linspace(-0.005, 0.005, 10)
    rows = [
        {"variant": v, "final_test_accuracy": level[v] + n, "test_accuracy_at_best_val": level[v] + gain[v] + n * n}
        for v in gain
        for n in noise
    ]
    return pd.DataFrame(rows)


def test_early_stopping_per_variant_is_one_holm_family_and_the_variants_are_compared_stopped():
    """The lecturer: Table 4's variant rows were never discussed, though stopping there could reorder them."""
    stopping = _stopping({"base": 0.004, "a": 0.013, "b": 0.0}, {"base": 0.63, "a": 0.61, "b": 0.63})
    found = gains(stopping, ["base", "a", "b"])
    assert all(not math.isnan(c.holm_welch_p) for c in found.values())  # corrected over the variants
    against = stopped_against(stopping, ["base", "a", "b"], "base")
    assert set(against) == {"a", "b"} and against["a"].difference == pytest.approx(-0.011, abs=1e-3)
    text = gains_text(found, against, {"base": "base", "a": "a", "b": "b"}, "base")
    assert "would change the test accuracy on the full test set by +0.40 pp [0.16, 0.64] for the base (" in text
    assert "significant for the base and the a." in text
    assert "so the a and the b would be worse; no variant would be shown to be better." in text
    one_seed = _stopping({"base": 0.004, "a": 0.013}, {"base": 0.63, "a": 0.61}).iloc[:11]  # a has one seed
    assert set(gains(one_seed, ["base", "a"])) == {"base"} and stopped_against(one_seed, ["base", "a"], "base") == {}
    alone = gains_text(gains(one_seed, ["base", "a"]), {}, {"base": "base", "a": "a"}, "base")
    assert "over each variant's seeds: significant for the base." in alone and "Holm" not in alone.split("(")[0]
    quiet = stopped_against(_stopping({"base": 0.0, "a": 0.0}, {"base": 0.63, "a": 0.63}), ["base", "a"], "base")
    assert "so no variant would be shown to be better or worse." in gains_text(
        found, quiet, {"base": "base", "a": "a", "b": "b"}, "base"
    )
