"""The verdict sentences: each branch from statistics made up for it, and the families they rest on."""

import math
from dataclasses import replace

import numpy as np
import pytest

from cnnlab import verdict_briefs, verdicts
from cnnlab.stats import Comparison, StdRatio
from cnnlab.verdicts import Contrast, contrasts
from tests.test_sentences import _summary


def _test(difference=-0.02, p=0.01, holm=None, ranks=None, levene=0.4, ratio=1.5) -> Comparison:
    holm = p if holm is None else holm
    ranks = holm if ranks is None else ranks
    return Comparison(
        difference, difference - 0.01, difference + 0.01, 2.0, p, -1.2, levene, ratio,
        ranks, holm, ranks, min(1.0, 2 * levene),
    )  # fmt: skip


def _contrast(difference=-0.02, p=0.01, holm=None, detectable=0.0125, **kw) -> Contrast:
    return Contrast(
        _summary(0.60 + difference, 0.01), _summary(0.60, 0.01), _test(difference, p, holm, **kw), detectable
    )


@pytest.mark.parametrize(
    ("full", "exact", "expected"),
    [
        ((-0.027, 0.001), (-0.013, 0.001), "significant after Holm's correction on both test sets, so it is worse"),
        ((0.027, 0.001), (0.013, 0.001), "on both test sets, so it is better on both"),
        ((-0.004, 0.4), (-0.003, 0.6), "significant on neither test set after Holm's correction"),
        ((-0.027, 0.001), (-0.013, 0.13), "on the full test set but not on the exact 1,000 images (where these seeds"),
        ((-0.004, 0.4), (-0.03, 0.001), "on the exact 1,000 images but not on the full test set"),
        ((-0.027, 0.001), (0.013, 0.001), "in opposite directions"),
    ],
)
def test_accuracy_verdict_names_direction_size_and_where_it_is_significant(full, exact, expected):
    text = verdicts.accuracy_verdict("a", "b", _contrast(*full), _contrast(*exact), 1000)
    assert expected in text, text
    assert text.startswith("The mean test accuracy of the a is " + ("lower" if full[0] < 0 else "higher"))
    assert f"by {abs(full[0]) * 100:.2f} pp on the full test set (95 % interval" in text
    assert ("would have detected" in text) == (full[1] > 0.05 or exact[1] > 0.05)


def test_a_hypothetical_verdict_keeps_its_conditional_in_the_reading():
    args = ("a", "b", _contrast(0.027, 0.001), _contrast(0.013, 0.001), 1000, "with x, ", "would be")
    text = verdicts.accuracy_verdict(*args)
    assert text.startswith("With x, the mean test accuracy of the a would be higher")
    assert text.endswith("so it would be better on both.") and "it is" not in text


def test_accuracy_verdict_decides_on_holm_and_states_both_p_values():
    full = _contrast(-0.02, 0.03, holm=0.09)
    text = verdicts.accuracy_verdict("a", "b", full, _contrast(-0.02, 0.3, holm=0.6), 1000)
    assert "Welch's t-test p = 0.030, Holm p = 0.090" in text and "significant on neither" in text
    assert "they would have detected 1.25 pp on the full test set" in text


def test_a_hypothetical_verdict_reads_as_one():
    text = verdicts.accuracy_verdict(
        "a", "b", _contrast(), _contrast(), 1000, "with its statistics recomputed, ", "would be"
    )
    assert text.startswith("With its statistics recomputed, the mean test accuracy of the a would be lower")


@pytest.mark.parametrize(
    ("ranks", "expected"), [(0.001, "the same verdicts as Welch's test"), (0.3, "unlike Welch's test on the full")]
)
def test_ranks_sentence_says_whether_mann_whitney_agrees_with_welch(ranks, expected):
    text = verdicts.ranks_sentence(_test(p=0.001, ranks=ranks), _test(p=0.4, ranks=0.4), 1000)
    assert expected in text and "Mann–Whitney's rank test" in text
    assert "and Holm p = 0.400 on the exact 1,000 images" in text  # every p named Holm or raw (the lecturer)


@pytest.mark.parametrize(
    ("ratio", "levene", "expected"),
    [
        (0.5, 0.001, "significantly smaller"),
        (2.0, 0.001, "significantly larger"),
        (0.9, 0.4, "smaller (standard deviation ratio 0.90) but not significantly so"),
        (1.2, 0.4, "larger (standard deviation ratio 1.20) but not significantly so"),
        (1.2, math.nan, "cannot be tested"),
    ],
)
def test_spread_sentence_branches_decide_on_holm(ratio, levene, expected):
    text = verdicts.spread_sentence(_test(levene=levene, ratio=ratio))
    assert expected in text
    if levene == 0.4:  # what Levene's test can detect is said once, in the chapter's introduction
        assert "Holm p = 0.800" in text and "detects: @sec-improvements)" in text and "factor" not in text
        assert "much larger" not in text  # a ratio just below the detectable one is not "much" smaller than it


def test_a_spread_verdict_gives_the_ratio_its_interval():
    interval = StdRatio(1.62, 0.93, 2.83, 0.2, 0.13)
    text = verdicts.spread_sentence(_test(levene=0.4, ratio=1.62), interval)
    assert "(standard deviation ratio 1.62, 95 % interval [0.93, 2.83] from the F distribution, before Holm's" in text
    assert "the interval says how far apart the two spreads could be" in text


@pytest.mark.parametrize(
    ("train", "gap", "expected"),
    [
        ((0.02, 0.001), (0.02, 0.001), "it fits its training images more closely, and its generalisation gap is wider"),
        (
            (-0.02, 0.001),
            (-0.02, 0.001),
            "it fits its training images less closely, and its generalisation gap is narrower",
        ),
        ((-0.002, 0.6), (0.012, 0.001), "neither detectably more nor less closely (these seeds would have"),
        (
            (-0.02, 0.001),
            (0.002, 0.6),
            "its generalisation gap is not detectably wider or narrower (these seeds would have",
        ),
    ],
)
def test_fit_text_rests_on_inference_mode_numbers_with_tests(train, gap, expected):
    text = verdicts.fit_text("b", _contrast(*train), _contrast(*gap))
    assert expected in text and "in inference mode" in text and "± 1.00 %" in text and "Holm p" in text


@pytest.mark.parametrize(
    ("after", "p", "expected"),
    [
        (0.013, 0.5, "recomputing the running averages does not lessen the spread"),
        (0.008, 0.2, "a fall these seeds do not show to be real"),
        (0.008, 0.01, "part of the spread as trained goes with the running averages"),
        (0.004, 0.001, "most of the spread as trained"),
    ],
)
def test_spread_change_after_recomputing_statistics(after, p, expected):
    assert expected in verdicts.spread_change(0.012, after, p)


def test_recalibration_text_gives_both_test_sets():
    text = verdicts.recalibration_text(5000, (_summary(0.60, 0.012), _summary(0.64, 0.014)), (
        _summary(0.62, 0.008), _summary(0.66, 0.014)), 1000)  # fmt: skip
    assert "62.00 ± 0.80 % (n = 10) on the full test set against 60.00 ± 1.20 % as trained" in text
    assert "66.00 ± 1.40 % on the exact 1,000 images against 64.00 ± 1.40 %" in text
    assert text.startswith("At test time BatchNormalization normalises with running averages")
    later = verdicts.recalibration_text(5000, (_summary(0.60, 0.012), _summary(0.64, 0.014)), (
        _summary(0.62, 0.008), _summary(0.66, 0.014)), 1000, first=False)  # fmt: skip
    # the lecturer: the second BatchNorm variant repeated the step's two opening sentences
    assert later.startswith("Recomputing its BatchNorm statistics as in @sec-q13 (from the first 5,000 training")
    assert "At test time" not in later and "62.00 ± 0.80 % (n = 10) on the full test set" in later


def test_contrasts_correct_a_family_and_leave_a_single_test_alone():
    rng = np.random.default_rng(0)
    base = rng.normal(0.63, 0.007, 10)
    pairs = {v: (rng.normal(0.63 + shift, 0.01, 10), base) for v, shift in (("a", -0.02), ("b", 0.0), ("c", 0.005))}
    family = contrasts(pairs)
    raw = sorted((family[v].test.welch_p, v) for v in pairs)
    assert family[raw[0][1]].test.holm_welch_p == pytest.approx(3 * raw[0][0])  # the smallest p times three
    assert all(family[v].test.holm_welch_p >= family[v].test.welch_p for v in pairs)
    single = contrasts({"a": pairs["a"]})["a"]
    assert math.isnan(single.test.holm_welch_p) and single.test.mean_p == single.test.welch_p
    assert single.detectable > 0 and single.variant.n == 10


def test_levene_power_text_gives_the_detectable_ratio_or_says_it_is_unknown():
    assert "differ by a factor of about 3.9 or more" in verdicts.levene_power_text(10, 3.89)
    assert "cannot be relied on" in verdicts.levene_power_text(2, math.nan)


def test_a_spread_change_asked_of_several_variants_is_judged_on_its_holm_p():
    alone = verdicts.spread_change(0.027, 0.006, 0.03)
    assert "p = 0.030)" in alone and "of the spread as trained goes with the running averages" in alone
    corrected = verdicts.spread_change(0.027, 0.006, 0.03, holm_p=0.06)
    assert "p = 0.030, Holm p = 0.060" in corrected and "a fall these seeds do not show to be real" in corrected


def test_the_synthesis_names_each_variant_once_with_its_test_sets_and_agrees_in_number():
    from types import SimpleNamespace

    from cnnlab.claims import Claims

    def contrast(difference: float, significant: bool) -> SimpleNamespace:
        return SimpleNamespace(difference=difference, significant=significant)

    found = {
        "full": {"a": contrast(-0.02, True), "b": contrast(-0.01, True), "c": contrast(0.01, True)},
        "exact": {"a": contrast(-0.02, True), "b": contrast(0.01, False), "c": contrast(-0.01, False)},
    }
    claims = SimpleNamespace(name=str.upper, base="base")
    text = Claims._sorted_out(claims, found, ["a", "b", "c"], "")
    assert text == (
        "the C (on the full test set) is better than the base; "
        "the A (on both test sets) and the B (on the full test set) are worse"
    )
    assert Claims._sorted_out(claims, found, ["c"], "would ").endswith("no variant would be shown to be worse")


def test_an_f_interval_that_excludes_equal_spreads_is_not_left_beside_a_levene_verdict_that_does_not():
    """The tiny ResNet: ratio 3.65, F interval [1.82, 7.33], Levene (Holm) not significant."""
    text = verdicts.spread_sentence(_test(levene=0.4, ratio=3.65), StdRatio(3.65, 1.82, 7.33, 0.001, 0.086))
    assert "excludes equal spreads, but Levene's median-centred test, robust to an outlying seed, does not" in text
    assert "how far apart" not in text


def test_the_overall_robustness_follows_levene_and_names_what_only_the_f_interval_finds():
    """The lecturer: the Overall paragraph said nothing about robustness."""
    quiet, wide = StdRatio(1.2, 0.6, 2.4, 0.5, 0.5), StdRatio(3.65, 1.82, 7.33, 0.001, 0.13)
    spreads = {"a": (_contrast(levene=0.4, ratio=1.2), quiet), "b": (_contrast(levene=0.13, ratio=3.65), wide)}
    assert verdict_briefs.robustness_overall(spreads, "base") == (
        "Levene's test finds no variant more or less robust to the seed than the base; only the F interval, before "
        "Holm's correction and counting an outlying seed fully, finds the b less steady"
    )
    c = _contrast(ratio=1.0)
    c = replace(c, test=replace(c.test, levene_p=float("nan"), holm_levene_p=float("nan")))  # too few seeds
    untestable = {**spreads, "c": (c, None)}
    assert verdict_briefs.robustness_overall(untestable, "base").endswith("; too few seeds to test the c")
    steadier = {"a": (_contrast(levene=0.01, ratio=0.4), None)}
    assert verdict_briefs.robustness_overall(steadier, "base") == (
        "Levene's test finds the a more robust to the seed than the base"
    )
