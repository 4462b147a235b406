"""The report's sentences: each branch from statistics made up for it."""

from dataclasses import replace

import numpy as np
import pytest

from cnnlab import sentences, tables
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


def test_leader_text_one_or_two_leaders():
    assert sentences.leader_text("a", "60 %", "a").startswith("The a has both")
    assert sentences.leader_text("a", "60 %", "b").endswith("that of the b")


def test_balance_correlation_threads_and_resumed():
    assert "exactly balanced" in sentences.balance_text([5, 5], [2, 2])
    assert "from 4 to 6 training images" in sentences.balance_text([4, 6], [2, 2])
    assert sentences.threads_text(1) == "1 CPU thread per run" and sentences.threads_text(2).startswith("2 CPU threads")
    assert sentences.threads_text(None) == "TensorFlow's default threads"
    assert sentences.resumed_text(0) == "No run was interrupted."
    assert sentences.resumed_text(1).startswith("One run was") and sentences.resumed_text(6).startswith("Six runs were")
    assert sentences.resumed_text(12).startswith("In all, 12 runs were")  # no sentence opens with a numeral


def test_curve_sentences():
    assert "same permutation at every epoch" in sentences.order_text(True)
    assert "reshuffles" in sentences.order_text(False)


def test_colour_text_counts_nearly_grey_and_mostly_colour_filters():
    text = sentences.colour_text(np.array([0.05, 0.08, 0.3, 0.6, 0.9]))
    assert text.startswith("the median colour share is 0.30 (from 0.05 to 0.90)")
    assert "2 of them are nearly grey (below 0.1) and 2 mostly colour (above 0.5)" in text


@pytest.mark.parametrize(
    ("median", "p", "expected"),
    [
        (0.14, 0.002, "filters of the a are greyer than the b’s"),
        (0.80, 0.002, "filters of the a are more coloured than the b’s"),
        (0.45, 0.4, "do not differ detectably in colour share from the b’s"),
    ],
)
def test_colour_comparison_branches(median, p, expected):
    text = sentences.colour_comparison("a", "b", median, np.array([0.40, 0.46, 0.52]), p)
    assert expected in text and "the b’s per-seed median is 0.40 to 0.52" in text
    assert f"it on average by {abs(0.46 - median):.2f} (95 % interval of the difference [" in text  # a size, not just p
    assert f"Wilcoxon's signed-rank test of the seeds' medians against it p = {p:.3f}" in text
    assert ("and above it in 3 of 3 seeds" in text) == (median == 0.14)
    assert "significantly" not in text  # one network's value is not a sample: the verdict says greyer, plainly


def test_edge_text_counts_edge_like_filters_by_orientation():
    text = sentences.edge_text(np.array([0.2, 0.6, 0.7, 0.9, 0.95]), np.array([10.0, 2.0, 178.0, 95.0, 130.0]))
    assert text.startswith("the median edge share is 0.70 (from 0.20 to 0.95)")
    assert text.endswith("4 of them are edge-like (above 0.5): 2 vertical, 1 horizontal, 1 diagonal")
    assert sentences.edge_text(np.array([0.1, 0.2]), np.array([0.0, 90.0])).endswith(
        "none of them is edge-like (above 0.5)"
    )


@pytest.mark.parametrize(
    ("difference", "holm", "expected"),
    [
        (0.12, 0.002, "training raised the edge share (per-seed median 0.25 at initialisation and 0.37 after"),
        (-0.12, 0.002, "training lowered the edge share"),
        (0.01, 0.4, "these seeds do not show training to change the edge share"),
    ],
)
def test_training_change_text_decides_on_the_holm_p_of_the_test_its_interval_belongs_to(difference, holm, expected):
    change = replace(_comparison(difference=difference, welch_p=holm / 2), holm_welch_p=holm, mannwhitney_p=0.002)
    text = sentences.training_change_text("edge share", change, 0.25, 0.37, 0.05)
    assert text.startswith(expected) and "95 % interval [" in text and f"Holm p = {holm:.3f}" in text
    assert ("a mean change of 0.05 would have been detected with 80 % power" in text) == (holm > 0.05)
    brief = sentences.training_change_brief("edge share", change, 0.05)
    assert brief.startswith("did not detectably" if holm > 0.05 else ("raised" if difference > 0 else "lowered"))


def test_receptive_text_lists_every_layer():
    text = sentences.receptive_text({"c1": 3, "c2": 5, "pool": 6})
    assert text == "3 × 3 pixels in `c1`, 5 × 5 in `c2` and 6 × 6 in `pool`"


def test_resnet_source_with_and_without_a_file():
    assert "downloaded by" in sentences.resnet_source((7, 7, 3, 64), (64,), None)
    text = sentences.resnet_source((7, 7, 3, 64), (64,), "ab" * 31 + "cd")
    assert "kernel 7 × 7 × 3 × 64, bias 64" in text and "read from a file that holds that layer alone" in text
    assert "whose SHA-256 checksum begins abababababababab and ends abababcd;" in text  # both ends, to compare


def test_orders_text_says_whether_the_epochs_share_one_order_at_the_runs_size():
    """The lecturer: a 12-sample toy fit does not show what a 35,000-image run does; the fit has the runs' size."""
    text = sentences.orders_text([[2, 0, 1], [2, 0, 1]], seed=0, batch_size=128, run_size=3)
    assert text == (
        "A seeded fit (seed 0) of a throwaway model on 3 samples numbered from 0, as many as a run trains on, in "
        "batches of 128, visited them in the same order in both epochs, a permutation of all of them (the first "
        "ten: 2 0 1)."
    )
    differ = sentences.orders_text([[2, 0, 1], [0, 1, 2], [1, 2, 0]], seed=0, batch_size=128, run_size=35000)
    assert "3 samples numbered from 0, where a run trains on 35,000, in batches" in differ
    assert "a different order in each of its three epochs, a permutation of all of them (the first ten of each: " in (
        differ
    )
    assert "one order in its one epoch" in sentences.orders_text([[1, 0]], seed=0, batch_size=2, run_size=2)


def test_map_reading_names_what_a_map_follows_only_from_a_strong_correlation():
    found = {"c1": (0.07, 0.26), "c2": (0.57, 0.04), "c3": (-0.1, -0.62), "flat": (float("nan"), float("nan"))}
    text = sentences.map_reading_text(found, 10)
    assert text.startswith("@tbl-map-follow correlates filter 10's map in each layer with the image's brightness")
    assert (
        "`c2` rises with the image's brightness (r = 0.57) and `c3` falls with the image's edges (r = −0.62)." in text
    )
    assert "flat" not in text and text.endswith(
        "In `c1` neither reaches 0.5 in size: the two simple measures do not "
        "describe what those maps respond to. This is one image and one seed."
    )
    assert "follow nothing" in sentences.map_reading_text({"flat": (float("nan"), float("nan"))}, 10)
    assert "neither reaches" not in sentences.map_reading_text({"c2": (0.57, 0.04)}, 10)
    table = tables.map_follow(found)
    assert "| `c2` | 0.57 | 0.04 | rises with the image's brightness |" in table
    assert "| `c1` | 0.07 | 0.26 | neither reaches 0.5 |" in table and "| `flat` | – | – | is constant |" in table


def test_class_balance_gives_the_fewest_and_most_images_per_class():
    labels = np.array([0] * 3 + [1] * 5 + [2] * 2)
    assert sentences.class_balance_text(labels, classes=3) == "from 2 to 5 images per class (20.0 % to 50.0 %)"
