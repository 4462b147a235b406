"""The report's sentences: each branch from statistics made up for it."""

import math

import pytest

from cnnlab import sentences
from cnnlab.stats import Comparison, Summary


def _comparison(difference=0.02, welch_p=0.01, std_ratio=0.5, levene_p=0.01) -> Comparison:
    return Comparison(
        difference=difference,
        ci_low=difference - 0.01,
        ci_high=difference + 0.01,
        welch_t=2.0,
        welch_p=welch_p,
        hedges_g=1.5,
        std_ratio=std_ratio,
        levene_p=levene_p,
    )


def _summary(mean: float, std: float, n: int = 10) -> Summary:
    return Summary(
        n=n, mean=mean, std=std, ci_low=mean - std, ci_high=mean + std, minimum=mean - 2 * std, maximum=mean + 2 * std
    )


@pytest.mark.parametrize(
    ("difference", "welch_p", "expected"),
    [
        (0.02, 0.01, "significantly higher mean test accuracy than the tiny VGG"),
        (-0.02, 0.01, "significantly lower mean test accuracy than the tiny VGG"),
        (0.02, 0.4, "2.00 percentage points higher than that of the tiny VGG"),
        (-0.02, 0.4, "2.00 percentage points lower than that of the tiny VGG"),
    ],
)
def test_mean_sentence_says_higher_lower_or_not_significant(difference, welch_p, expected):
    text = sentences.mean_sentence("tiny ResNet", "tiny VGG", _comparison(difference, welch_p))
    assert expected in text and "tiny ResNet" in text
    assert "95 % interval" in text and ("cannot tell from chance" in text) == (welch_p > 0.05)
    assert ("it is better" in text) == (welch_p < 0.05 and difference > 0)


def test_mean_sentence_decides_on_the_holm_adjusted_p_and_states_the_detectable_difference():
    text = sentences.mean_sentence("a", "b", _comparison(0.02, 0.03), adjusted_p=0.09, detectable=0.0098)
    assert "p = 0.030, p = 0.090 after Holm's correction" in text and "cannot tell from chance" in text
    assert "a difference of 0.98 percentage points or more would have been detected with 80 % power" in text
    assert "significantly higher" in sentences.mean_sentence("a", "b", _comparison(0.02, 0.01), adjusted_p=0.03)


@pytest.mark.parametrize(
    ("std_ratio", "levene_p", "expected"),
    [
        (0.5, 0.01, "significantly smaller"),
        (2.0, 0.01, "significantly larger"),
        (0.9, 0.6, "smaller but not significantly so"),
        (1.2, 0.6, "larger but not significantly so"),
        (0.9, math.nan, "cannot be tested"),
    ],
)
def test_spread_sentence_branches(std_ratio, levene_p, expected):
    assert expected in sentences.spread_sentence(_comparison(std_ratio=std_ratio, levene_p=levene_p))


def test_spread_sentence_says_what_levene_detects_only_when_not_significant():
    assert "factor of about 3.9 or more" in sentences.spread_sentence(_comparison(levene_p=0.4), 3.89)
    assert "factor" not in sentences.spread_sentence(_comparison(levene_p=0.01), 3.89)


def test_verdict_is_the_mean_then_the_spread_sentence():
    c = _comparison()
    assert sentences.verdict("a", "b", c) == f"{sentences.mean_sentence('a', 'b', c)} {sentences.spread_sentence(c)}"
    assert "1 run(s) of the a and 3 of the b" in sentences.not_comparable("a", "b", 1, 3)


@pytest.mark.parametrize(
    ("loss", "gap", "expected"),
    [
        (0.5, 0.2, "more closely, but the wider gap"),
        (0.5, 0.05, "more closely without a wider gap"),
        (0.9, 0.2, "less closely and still overfits more"),
        (0.9, 0.05, "less closely and overfits less"),
    ],
)
def test_fit_text_reads_loss_and_gap_against_the_baseline(loss, gap, expected):
    text = sentences.fit_text("tiny VGG", sentences.Fit(loss, gap), sentences.Fit(0.7, 0.1))
    assert (
        expected in text
        and "against 0.700 for the tiny VGG" in text
        and "percentage points against 10.0 (means over seeds)" in text
    )


@pytest.mark.parametrize(
    ("after_std", "expected"), [(0.004, "most of it"), (0.008, "part of it"), (0.02, "not shrink")]
)
def test_recalibration_text_says_how_much_of_the_spread_goes(after_std, expected):
    text = sentences.recalibration_text(5000, _summary(0.6, 0.01), _summary(0.62, after_std), 8, (0.555, 0.651))
    assert expected in text and "5,000 training images" in text and "most, 8, goes from 55.50 % to 65.10 %" in text


@pytest.mark.parametrize(("welch_p", "expected"), [(0.01, "a significant difference"), (0.3, "not a significant")])
def test_recalibrated_against_baseline(welch_p, expected):
    assert expected in sentences.recalibrated_against_baseline("tiny VGG", _comparison(welch_p=welch_p))


def test_leader_text_one_or_two_leaders():
    assert sentences.leader_text("a", "60 %", "a").startswith("The a has both")
    assert sentences.leader_text("a", "60 %", "b").endswith("that of the b")


def test_balance_correlation_threads_and_resumed():
    assert "exactly balanced" in sentences.balance_text([5, 5], [2, 2])
    assert "from 4 to 6 training images" in sentences.balance_text([4, 6], [2, 2])
    assert "brightness patterns" in sentences.correlation_reading(0.8)
    assert "colour contrasts" in sentences.correlation_reading(0.1)
    assert sentences.threads_text(1) == "1 CPU thread per run" and sentences.threads_text(2).startswith("2 CPU threads")
    assert sentences.threads_text(None) == "TensorFlow's default threads"
    assert sentences.resumed_text(0) == "No run was interrupted."
    assert sentences.resumed_text(1).startswith("1 run was") and sentences.resumed_text(3).startswith("3 runs were")


def test_curve_sentences():
    assert "same permutation at every epoch" in sentences.order_text(True)
    assert "reshuffles" in sentences.order_text(False)
