"""Per-class accuracy against the tiny VGG: one Holm family of ten classes per variant."""

import numpy as np

from cnnlab import per_class
from cnnlab.data import CLASS_NAMES

LABELS = {"base": "tiny VGG", "other": "tiny VGG + BatchNorm"}


def _seeds(shift_on: dict[int, float] | None = None, n: int = 10, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = 0.6 + 0.01 * rng.standard_normal((n, 10))
    for k, shift in (shift_on or {}).items():
        values[:, k] += shift
    return values


def test_a_large_change_on_one_class_survives_holm_and_is_named():
    data = {"base": _seeds(), "other": _seeds({CLASS_NAMES.index("dog"): -0.08}, seed=1)}
    found = per_class.contrasts(data, "base")["other"]
    assert list(found) == list(CLASS_NAMES) and found["dog"].holm_welch_p < 0.05
    text = per_class.text(data, "base", LABELS)
    assert "1 class differs from the tiny VGG after Holm's correction: dog (−8." in text
    assert "its largest change is on dog" in text and "would have detected" in text
    table = per_class.table(data, "base", LABELS).data
    assert "| **−8." in table and table.splitlines()[-1].endswith("| *classes in bold* |  | *1 of 10* |")


def test_no_class_is_claimed_when_none_survives_the_correction():
    # cat: significant for Welch's test alone (raw p < 0.05), not after Holm's correction over the ten classes
    data = {"base": _seeds(), "other": _seeds({3: -0.012}, seed=1)}
    cat = per_class.contrasts(data, "base")["other"]["cat"]
    assert cat.welch_p < 0.05 <= cat.holm_welch_p
    assert "no class differs detectably from the tiny VGG" in per_class.text(data, "base", LABELS)
    table = per_class.table(data, "base", LABELS).data
    assert "**" not in table and table.splitlines()[-1].endswith("| *0 of 10* |")  # said, not left to search


def test_one_seed_is_not_compared():
    data = {"base": _seeds(), "other": _seeds(n=1)}
    assert per_class.contrasts(data, "base") == {} and per_class.text(data, "base", LABELS) == ""


def test_spread_text_names_the_class_with_the_most_spread_and_says_far_more_only_when_it_is():
    base = _seeds()
    base[:, CLASS_NAMES.index("cat")] += 0.3 * np.arange(10) / 10
    text = per_class.spread_text({"base": base}, "base", 0.0012)
    assert "(cat)" in text.split("against")[0] and "against 0.12 pp for the overall accuracy" in text
    assert text.startswith("A single class's accuracy varies far more")
    assert per_class.spread_text({"base": base}, "base", 0.01).startswith("Per class, its standard deviation")


def test_classes_that_move_against_each_other_are_said_to_trade_accuracy():
    """The lecturer: per-class spreads of 4-8 pp against 0.74 pp overall mean that seeds trade accuracy between
    classes; the text did not say so."""
    rng = np.random.default_rng(1)
    shift = rng.normal(0, 0.05, (10, 10))
    traded = 0.6 + shift - shift.mean(axis=1, keepdims=True)  # every seed's gains and losses cancel over classes
    overall = float(traded.mean(axis=1).std(ddof=1))
    text = per_class.spread_text({"base": traded}, "base", overall)
    assert "would vary by about 1.33 pp; it varies by 0.00 pp, because the classes move against each other" in text
    assert "their average correlation over seeds is −0.102, where independent classes give 0." in text
    assert "A seed trades accuracy between classes" in text
    free = 0.6 + shift  # independent classes: nothing traded
    assert "trades" not in per_class.spread_text({"base": free}, "base", float(free.mean(axis=1).std(ddof=1)))
    assert "trades" not in per_class.spread_text({"base": traded}, "base", overall, balanced=False)
