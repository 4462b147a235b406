"""The sentences of the report's claims with their evidence: each branch from statistics made up for it."""

import pytest

from cnnlab import evidence_sentences as say
from cnnlab import jpeg_sentences
from cnnlab import robustness_sentences as robustness
from cnnlab.validation_split import Offsets
from tests.test_sentences import _summary
from tests.test_verdicts import _contrast, _test


def test_prose_name_rewrites_only_names_that_read_badly():
    assert (
        say.prose_name("tiny VGG, 3 blocks") == "tiny VGG with three blocks"
        and say.prose_name("tiny VGG") == "tiny VGG"
    )


def test_power_text_gives_the_detectable_difference_and_the_seeds_smaller_ones_need():
    text = say.power_text(0.0074, 10, 0.0098, {0.005: 36, 0.0075: 17, 0.01: 10}, (0.63, 10000))
    # 1.0 pp is not smaller than the 0.98 pp ten seeds detect (the lecturer's objection): it is left out
    assert (
        "from 0.98 pp on; smaller differences need more seeds per variant: 36 for 0.50 pp and 17 for 0.75 pp." in text
    )
    assert (
        "would move one accuracy by about 0.48 pp (its binomial standard error), so here the seed moves a result "
        "1.5 times" in text
    )
    assert "smaller differences" not in say.power_text(0.0074, 10, 0.0098, {0.01: 10}, (0.63, 10000))


def test_the_early_lead_is_tested_epoch_by_epoch_with_holm_over_the_epochs():
    """The lecturer: "by up to 3.15 pp at epoch 4" picks a maximum from 100 epochs, with no interval; and an average
    over the epochs would let one collapsed first epoch hide a lead at every other."""
    by_epoch = {1: _test(-0.24, 0.001), 2: _test(0.02, 0.01), 3: _test(0.031, 0.001), 4: _test(0.01, 0.3)}
    text = say.early_lead("a", "b", by_epoch)
    assert text.startswith("Tested epoch by epoch from epoch 1 to 4 (the early stretch, one window for every variant,")
    assert (
        "ahead of the b's at 2 epochs (2 and 3) and behind at epoch 1; the largest significant lead is +3.10 pp, at "
        "epoch 3" in text
    )
    assert text.endswith("(95 % interval [2.10, 4.10]).")
    none = say.early_lead("a", "b", {1: _test(0.01, 0.3), 2: _test(0.01, 0.4)})
    assert none.endswith("significantly ahead of the b's at no epoch and behind at no epoch.")


@pytest.mark.parametrize(
    ("val_rise", "rising", "expected"),
    [
        (0.03, 2, "the network overfits in its later epochs, mildly."),
        (0.11, 9, "the network overfits in its later epochs, in most runs."),
        (0.0, 0, "no clear overfitting"),
    ],
)
def test_stopping_text_says_how_widely_the_runs_overfit(val_rise, rising, expected):
    """The reviewer: a rise above the minimum is never negative, so "overfits" needs the runs over the tolerance."""
    text = say.stopping_text(100, _summary(59, 18), (val_rise, 0.06), 0.07, (rising, 10))
    assert expected in text and "lowest at epoch 59 ± 18" in text and "to epoch 100" in text
    assert f"({rising} of 10 runs end more than 5 % above their lowest validation loss)" in text


@pytest.mark.parametrize(
    ("at_best", "p", "expected"),
    [(0.634, 0.01, "gained 0.40"), (0.626, 0.01, "cost 0.40"), (0.634, 0.3, "gained 0.40")],
)
def test_early_stopping_text_names_gain_or_cost_and_whether_it_is_real(at_best, p, expected):
    text = say.early_stopping_text(_summary(at_best, 0.005), _summary(0.63, 0.007), _test(at_best - 0.63, p))
    assert expected in text and f"paired t-test p = {p:.3f}" in text
    interval = f"[{100 * (at_best - 0.64):.2f}, {100 * (at_best - 0.62):.2f}]".replace("-", "−")
    assert f"; 95 % interval {interval}, paired" in text
    assert ("a significant difference" in text) == (p < 0.05)
    assert ("do not show to be real" in text) == (p > 0.05)


def _offsets(to_exact, to_full) -> Offsets:
    return Offsets((0.6548, 15000), (0.6295, 10000), (0.6574, 1000), _contrast(*to_exact), _contrast(*to_full))


@pytest.mark.parametrize(
    ("to_exact", "to_full", "expected"),
    [
        ((-0.0026, 0.4), (0.0253, 0.001), "exact test images (−0.26 pp [−1.26, 0.74], paired t-test p = 0.400;"),
        ((-0.02, 0.001), (0.0253, 0.001), "do not single out the JPEG-derived images as the cause of the offset"),
        ((-0.0026, 0.4), (0.001, 0.6), "do not single out the JPEG-derived images"),
        # significant over the seeds, but within what sampling 15,000 and 10,000 images gives (1.96 × 0.62 pp)
        ((-0.0026, 0.4), (0.010, 0.001), "do not single out the JPEG-derived images"),
        # beyond the images' sampling error alone (1.96 × 0.62 pp), not beyond it and the seeds' together
        ((-0.0026, 0.4), (0.0135, 0.001), "do not single out the JPEG-derived images"),
    ],
)
def test_validation_offset_rests_on_paired_tests(to_exact, to_full, expected):
    text = say.validation_offset(_offsets(to_exact, to_full))
    assert expected in text and "65.48 % on average" in text


def test_the_validation_split_against_the_exact_images_counts_the_images_sampling_error():
    """The lecturer: the seeds' interval holds the images fixed, but the validation split and the exact images are
    different images, and 1,000 images alone have a binomial standard error of 1.50 pp."""
    text = say.validation_offset(_offsets((-0.0026, 0.4), (0.0253, 0.001)))
    assert (
        "as samples of 15,000 and 1,000 images, the two sets' accuracies differ by chance with a standard error of "
        "up to 1.55 pp, so a difference of up to 3.04 pp between them is within sampling alone" in text
    )
    # the seeds' standard error (0.44 pp, from the interval) and the images' (0.62 pp) add: 2.53 / 0.76
    assert "by 3.3 times the standard error that the seeds and the sampling of both sets of images give" in text


@pytest.mark.parametrize(("p", "expected"), [(0.01, "the variants differ"), (0.2, "do not differ detectably")])
def test_jpeg_text_branches(p, expected):
    text = jpeg_sentences.jpeg_text({"a": _summary(0.027, 0.01), "b": _summary(0.038, 0.01)}, p, 75, 0.0077)
    assert expected in text and "from 2.70 pp (the a) to 3.80 pp (the b)" in text
    assert ("a standard deviation of 0.77 pp with 80 % power" in text) == (p > 0.05)


def test_jpeg_share_text_gives_the_range():
    assert "87 % to 104 %" in jpeg_sentences.jpeg_share_text({"a": 0.87, "b": 1.04}, 0.9)


def test_outlier_text_most_or_part():
    assert robustness.outlier_text("a", 8, 0.555, _summary(0.63, 0.005, 9), 0.027).startswith(
        "Most of the a's variance over seeds"
    )
    assert robustness.outlier_text("a", 8, 0.555, _summary(0.63, 0.02, 9), 0.027).startswith("Part of")


def test_the_conclusions_name_a_seed_only_when_it_makes_most_of_the_spread():
    brief = robustness.outlier_brief(8, 0.555, _summary(0.63, 0.005, 9), 0.027)
    assert brief == (
        "Most of its variance over seeds comes from seed 8, at 55.50 % against 63.00 ± 0.50 % for its other 9 seeds."
    )
    assert robustness.outlier_brief(8, 0.555, _summary(0.63, 0.02, 9), 0.027) == ""
    # leaving seed 8 out would take the variance from 2.71² to 1.44², 72 % less (the tiny ResNet's numbers)
    assert robustness.outlier_brief(8, 0.5553, _summary(0.6293, 0.0144, 9), 0.0271).startswith("Most of its variance")
    most = robustness.outlier_text("a", 8, 0.5553, _summary(0.6293, 0.0144, 9), 0.0271)
    assert most.startswith("Most of the a's")
    # the lecturer: report how often such a seed comes, with an interval: 1 of 10 fits 0.3 % to 45 %
    assert most.endswith("a rate anywhere from 0.3 % to 45 % fits it, by the 95 % interval of @clopper1934.")


@pytest.mark.parametrize(
    ("lead", "final", "expected"),
    [
        ((0, 0, 0), -0.01, "stays below the b's at every epoch"),
        ((2, 21, 20), -0.0143, "below the b's at epoch 1, then ahead of it at every epoch from epoch 2 to"),
        ((5, 21, 17), -0.0143, "below the b's up to epoch 4, then ahead of it at every epoch from epoch 5 to"),
        ((1, 21, 18), -0.0143, "ahead of the b's at 18 of the 21 epochs from epoch 1 to epoch 21"),
        ((2, 100, 99), 0.01, "and still ahead at the last epoch (+1.00 pp)"),
    ],
)
def test_lead_text_gives_the_crossing_and_the_numbers(lead, final, expected):
    text = say.lead_text("a", "b", lead, (4, _summary(0.5492, 0.0202), _summary(0.5177, 0.0206)), final)
    assert expected in text
    if lead[0]:
        assert "by up to 3.15 pp at epoch 4 (54.92 ± 2.02 % against 51.77 ± 2.06 % over seeds)" in text
    if final < 0 and lead[0]:
        assert text.endswith("from epoch 22 on it is behind, and it ends 1.43 pp below.")


@pytest.mark.parametrize(("history_gap", "expected"), [(0.0915, "0.39 pp larger"), (0.08, "0.76 pp smaller")])
def test_gap_measures_says_what_each_gap_is_and_which_one_the_claims_use(history_gap, expected):
    text = say.gap_measures(100, (0.7463, 0.6548), _summary(history_gap, 0.0053), _summary(0.7424, 0.0056),
                            _summary(0.0876, 0.0038))  # fmt: skip
    assert expected in text and "running average over the epoch's batches" in text and "in inference mode" in text
    assert "74.63 %" in text and "74.24 ± 0.56 %" in text and "a gap of 8.76 ± 0.38 pp" in text


def test_modes_text_states_both_modes_with_their_spread():
    text = say.modes_text("a", (_summary(0.74, 0.0128), _summary(0.7667, 0.007)), (_summary(0.6026, 0.012),
                          _summary(0.618, 0.0073)))  # fmt: skip
    assert "classifies 74.00 ± 1.28 % of its training images" in text and "76.67 ± 0.70 % with each batch's" in text
    # the lecturer: a test accuracy with batch statistics depends on the other test images, and must say so
    assert text.endswith("not one the model reaches on images given one at a time.")


@pytest.mark.parametrize(
    ("mismatch_p", "gap_p", "expected"),
    [
        (0.001, 0.001, "support both explanations"),
        (0.001, 0.4, "support a running-statistics mismatch only"),
        (0.4, 0.001, "support overfitting only"),
        (0.4, 0.4, "support neither explanation detectably"),
    ],
)
def test_batchnorm_reading_branches(mismatch_p, gap_p, expected):
    text = say.batchnorm_reading(
        "b", _contrast(0.015, mismatch_p), _contrast(0.012, gap_p), _contrast(-0.011), _contrast(0.025)
    )
    assert expected in text and "paired t-test" in text and "stays 1.10 pp below the b" in text
    assert ("would have detected" in text) == (mismatch_p > 0.05 or gap_p > 0.05)
    # a wider gap is overfitting as a symptom: it restates a lower validation accuracy, and names no cause
    assert ("overfitting as a symptom; these runs do not isolate its cause" in text) == (gap_p < 0.05)
    assert "so it overfits more" not in text


@pytest.mark.parametrize(
    ("behind", "expected"),
    [
        ((-0.011, 0.001), "Even with batch statistics it stays 1.10 pp below the b"),
        ((0.011, 0.001), "With batch statistics it is 1.10 pp above the b"),
        ((-0.003, 0.4), "With batch statistics it is not detectably below the b: −0.30 pp"),
    ],
)
def test_batchnorm_reading_says_where_batch_statistics_leave_it(behind, expected):
    text = say.batchnorm_reading("b", _contrast(0.015), _contrast(0.012), _contrast(*behind), _contrast(0.025))
    assert expected in text
    # the deficit as trained (batch-statistics deficit minus what batch statistics recover) split in two parts
    split = (
        "Of its 2.60 pp deficit as trained, the running statistics account for 1.50 pp [0.50, 2.50] and 1.10 pp "
        "[0.10, 2.10] remain"
    )
    assert (split in text) == (behind == (-0.011, 0.001))
    assert "deficit as trained" not in say.batchnorm_reading(
        "b", _contrast(0.015, 0.4), _contrast(0.012), _contrast(-0.011), _contrast(0.025)
    )


def test_a_significantly_narrower_gap_is_not_called_merely_not_wider():
    text = say.batchnorm_reading("b", _contrast(0.015), _contrast(-0.04), _contrast(0.02), _contrast(-0.03))
    assert "a narrower gap" in text and "not a detectably wider gap" not in text


@pytest.mark.parametrize(
    ("difference", "p", "expected"),
    [
        (0.025, 0.001, "2.50 pp wider (95 % interval"),
        (-0.03, 0.001, "3.00 pp narrower (95 % interval"),
        (0.004, 0.4, "+0.40 pp (95 % interval"),
    ],
)
@pytest.mark.parametrize("wider_as_run", [True, False])
def test_the_gap_with_batch_statistics_says_whether_the_running_statistics_make_a_wider_gap(
    difference, p, expected, wider_as_run
):
    overfit = _contrast(0.012, 0.001 if wider_as_run else 0.4)  # the gap in inference mode against the b's
    text = say.batch_gap_sentence("b", _contrast(difference, p), overfit)
    assert text.startswith("With each batch's own statistics on both parts its training − validation gap is ")
    assert expected in text and "against 60.00 pp for the b" in text
    assert ("so the running statistics do not make the wider gap" in text) == (
        difference > 0 and p < 0.05 and wider_as_run
    )
    assert ("not detectably different" in text and "would have detected" in text) == (p > 0.05)
    assert ("running statistics" in text) == wider_as_run  # no reading of a wider gap that was not shown


@pytest.mark.parametrize(
    ("against", "recomputed", "expected"),
    [
        ((0.011, 0.01), (-0.007, 0.01), "For the a both happen"),
        ((0.011, 0.2), (-0.007, 0.01), "Recomputing gives part of the drop back for the a, but its drop is not"),
        ((0.011, 0.2), (-0.007, 0.2), "Neither happens detectably"),
    ],
)
def test_jpeg_batchnorm_text_follows_from_the_two_tests(against, recomputed, expected):
    rows = {"a": (_contrast(*against), _contrast(*recomputed)), "c": (_contrast(-0.004, 0.5), _contrast(-0.006, 0.2))}
    text = jpeg_sentences.jpeg_batchnorm_text("b", rows)
    assert text.startswith("If compression shifted the statistics") and expected in text
    assert "The a's drop is larger than the b's by 1.10 pp" in text and "the c's drop is smaller" in text
    assert ("would have been detected" in text) == (expected == "Neither happens detectably")


@pytest.mark.parametrize(
    ("median", "expected"),
    [((0.6276, 0.6297), "register the collapse of one seed much less"), ((0.62, 0.6274), "about as much as the mean")],
)
def test_median_text_says_whether_the_median_registers_one_seed(median, expected):
    text = robustness.median_text(8, (0.6219, 0.6293), median, (0.6148, 0.6405))
    assert expected in text and "moves the mean from 62.19 % to 62.93 % (+0.74 pp)" in text


def test_the_sampling_error_the_seeds_leave_out_is_the_binomial_one():
    text = say.sampling_text((0.63, 10_000), (0.66, 1_000))
    assert "about 0.48 pp on the full test set and 1.50 pp on the exact 1,000 images" in text  # √(p(1−p)/n)
    assert "varies the seed on fixed test images" in text


def test_the_deficit_is_split_only_where_the_running_statistics_cost_accuracy():
    assert "Of its" in say.deficit_split(_contrast(0.015), _contrast(-0.011))
    assert say.deficit_split(_contrast(0.015, 0.4), _contrast(-0.011)) == ""  # no detectable cost: nothing to split
    assert say.deficit_split(_contrast(-0.015), _contrast(-0.011)) == ""


@pytest.mark.parametrize(("loss", "late", "points"), [(0.776, 0.58, True), (0.9, 0.58, False), (0.776, 0.63, False)])
def test_the_lowest_seeds_curves_are_read_against_the_others(loss, late, points):
    """The lecturer's Figure 18 was shown but never read: normal training loss while validation collapses."""
    text = robustness.outlier_curves(8, loss, (0.758, 0.812), late, 0.62, 20, batchnorm=True)
    assert "running statistics" not in robustness.outlier_curves(
        8, loss, (0.758, 0.812), late, 0.62, 20, batchnorm=False
    )
    assert text.startswith(f"Seed 8's final training loss, {loss:.2f}, is ")
    assert f"its validation accuracy averages {late * 100:.2f} % over the last 20 epochs" in text
    assert ("points to those statistics" in text) == points


def test_the_jpeg_settings_are_said_to_be_established_only_when_they_change_the_images_least():
    """The lecturer: "how 'quality 75, 4:2:0' was established is not said"; the re-encoding check says it."""
    check = {"lossy_reencoding_error": {"q75 4:2:0": 0.157, "q75 4:4:4": 1.06, "q70 4:2:0": 2.21}}
    check["lossy_unchanged_fraction"] = 0.605
    text = jpeg_sentences.settings_text(check, "q75 4:2:0")
    assert "re-encoded at quality 75, 4:2:0, the JPEG-derived test images change by 0.16 of 255" in text
    assert "(60 % of them not at all), against 1.06 at quality 75, 4:4:4 and 2.21 at quality 70, 4:2:0" in text
    assert text.endswith("of the settings tried, these change them least.")
    assert "not confirmed" in jpeg_sentences.settings_text(check, "q70 4:2:0")
    with pytest.raises(ValueError, match="at least one other setting"):
        jpeg_sentences.settings_text({**check, "lossy_reencoding_error": {"q75 4:2:0": 0.157}}, "q75 4:2:0")
