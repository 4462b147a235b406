"""The sentences of the report's claims with their evidence: each branch from statistics made up for it."""

import pytest

from cnnlab import evidence_sentences as say
from tests.test_sentences import _comparison, _summary


def test_prose_name_rewrites_only_names_that_read_badly():
    assert (
        say.prose_name("tiny VGG, 3 blocks") == "tiny VGG with three blocks"
        and say.prose_name("tiny VGG") == "tiny VGG"
    )


@pytest.mark.parametrize(
    ("full", "exact", "adjusted", "expected"),
    [
        ((-0.02, 0.001), (-0.01, 0.001), (0.003, 0.003), "the same conclusion"),
        ((-0.004, 0.4), (0.003, 0.6), (0.8, 0.8), "the same conclusion"),
        ((-0.02, 0.001), (-0.01, 0.04), (0.003, 0.12), "do not confirm the difference"),
        ((-0.004, 0.4), (-0.03, 0.001), (0.8, 0.003), "does not show what the exact images do"),
    ],
)
def test_exact_agreement_says_when_the_test_sets_disagree(full, exact, adjusted, expected):
    text = say.exact_agreement(_comparison(*full), _comparison(*exact), 1000, adjusted)
    assert expected in text and "exact first 1,000 test images" in text and "after Holm's correction" in text


def test_power_text_gives_the_detectable_difference_and_seeds_needed():
    text = say.power_text(0.0074, 10, 0.0098, {0.005: 36, 0.01: 10})
    assert "from 0.98 points on" in text and "36 for 0.5 points and 10 for 1.0 point." in text


@pytest.mark.parametrize(
    ("val_rise", "expected"), [(0.03, "overfits in its later epochs"), (0.0, "no clear overfitting")]
)
def test_stopping_text_branches(val_rise, expected):
    text = say.stopping_text(100, _summary(59, 18), val_rise, 0.06, 0.07)
    assert expected in text and "lowest at epoch 59 ± 18" in text and "to epoch 100" in text


@pytest.mark.parametrize(("at_best", "expected"), [(0.634, "gained 0.40"), (0.626, "cost 0.40")])
def test_early_stopping_text_names_gain_or_cost(at_best, expected):
    assert expected in say.early_stopping_text(_summary(at_best, 0.005), _summary(0.63, 0.007))


def test_validation_offset_says_which_test_set_validation_sits_with():
    assert "scores like the exact test images" in say.validation_offset(0.655, 0.63, 0.657, 1000)
    assert "closer to the full test set" in say.validation_offset(0.63, 0.63, 0.66, 1000)


@pytest.mark.parametrize(
    ("lead_until", "final", "expected"),
    [(0, -0.01, "stays below"), (21, -0.014, "until epoch 21"), (100, 0.01, "still ahead at the last epoch")],
)
def test_lead_text_branches(lead_until, final, expected):
    assert expected in say.lead_text("a", "b", lead_until, 0.031, 4, final)


@pytest.mark.parametrize(
    ("mismatch_p", "gap_p", "expected"),
    [
        (0.001, 0.001, "support both"),
        (0.001, 0.4, "support a running-statistics mismatch"),
        (0.4, 0.001, "support overfitting"),
        (0.4, 0.4, "support neither explanation"),
    ],
)
def test_batchnorm_reading_branches(mismatch_p, gap_p, expected):
    text = say.batchnorm_reading("a", "b", _comparison(0.015, mismatch_p), _comparison(0.012, gap_p), -0.011)
    assert expected in text and "paired t-test" in text and "stays 1.10 points below the b" in text


def test_modes_text_states_both_modes_and_the_gaps():
    text = say.modes_text("a", "b", (0.74, 0.767), (0.6026, 0.618), (0.0995, 0.0876))
    assert "74.00 %" in text and "76.70 %" in text and "by 10.0 percentage points, against 8.8 for the b" in text


@pytest.mark.parametrize(("p", "expected"), [(0.01, "the variants differ"), (0.2, "do not differ detectably")])
def test_jpeg_text_branches(p, expected):
    text = say.jpeg_text({"a": _summary(0.027, 0.01), "b": _summary(0.038, 0.01)}, p, 75)
    assert expected in text and "from 2.70 percentage points (the a) to 3.80 (the b)" in text


def test_jpeg_share_text_gives_the_range():
    assert "87 % to 104 %" in say.jpeg_share_text({"a": 0.87, "b": 1.04}, 0.9)


@pytest.mark.parametrize(
    ("recomputed", "against", "expected"),
    [
        ((-0.007, 0.01), (0.011, 0.01), "comes partly from running statistics"),
        ((-0.007, 0.01), (0.011, 0.2), "not shown to be larger"),
        ((-0.007, 0.2), (0.011, 0.2), "do not detectably explain"),
    ],
)
def test_jpeg_batchnorm_text_branches(recomputed, against, expected):
    assert expected in say.jpeg_batchnorm_text("a", "b", _comparison(*recomputed), _comparison(*against))


def test_outlier_text_most_or_part():
    assert say.outlier_text("a", 8, 0.555, _summary(0.63, 0.005, 9), 0.027).startswith("Most of the a's spread")
    assert say.outlier_text("a", 8, 0.555, _summary(0.63, 0.02, 9), 0.027).startswith("Part of")


@pytest.mark.parametrize(
    ("full", "exact", "adjusted", "expected"),
    [
        ((-0.027, 0.001), (-0.013, 0.04), (0.001, 0.001), "worse on both"),
        ((0.027, 0.001), (0.013, 0.04), (0.001, 0.001), "better on both"),
        ((-0.004, 0.4), (-0.003, 0.6), (0.8, 0.8), "neither test set"),
        ((-0.027, 0.001), (-0.013, 0.04), (0.001, 0.13), "significant on the full test set only"),
    ],
)
def test_conclusion_branches(full, exact, adjusted, expected):
    assert expected in say.conclusion("a", "b", _comparison(*full), _comparison(*exact), adjusted)


def test_resnet_source_with_and_without_a_file():
    assert "downloaded by" in say.resnet_source((7, 7, 3, 64), (64,), None)
    text = say.resnet_source((7, 7, 3, 64), (64,), "ab" * 32)
    assert "kernel 7 × 7 × 3 × 64, bias 64" in text and "SHA-256 `abababababababab…`" in text
