"""The conclusions' verdicts at a glance: each cell's verdict follows its Holm-corrected test, and the words
that read a variant's column say the same as its cells."""

import pytest

from cnnlab.stats import StdRatio
from cnnlab.verdict_table import Column, accuracy_cell, plain_text, spread_cell, verdict_markdown
from tests.test_verdicts import _contrast


def _column(full=(-0.027, 0.001), exact=(-0.013, 0.2), recomputed=None, gap=(0.012, 0.001), levene=0.4) -> Column:
    again = tuple(_contrast(*c) for c in recomputed) if recomputed else None
    spread = _contrast(levene=levene, ratio=1.6)
    return Column("a", (_contrast(*full), _contrast(*exact)), again, _contrast(*gap), spread, None)


def test_a_cell_is_bold_only_where_holm_finds_a_difference():
    assert accuracy_cell(_contrast(-0.027, 0.001)) == "**worse** −2.70 [−3.70, −1.70]"
    assert accuracy_cell(_contrast(0.027, 0.001)) == "**better** +2.70 [1.70, 3.70]"
    # an interval that excludes zero with a Holm p above 0.05 stays "not shown": the verdict is Holm's
    assert accuracy_cell(_contrast(-0.013, 0.01, holm=0.13)) == "not shown −1.30 [−2.30, −0.30]"


def test_a_spread_that_only_the_f_interval_finds_unequal_is_marked():
    flagged = spread_cell(_contrast(levene=0.13, ratio=3.65), StdRatio(3.65, 1.82, 7.33, 0.001, 0.13))
    assert flagged == "not shown 3.65 [1.82, 7.33]†"
    assert spread_cell(_contrast(levene=0.4, ratio=1.2), StdRatio(1.2, 0.6, 2.4, 0.5, 0.5)).endswith("2.40]")
    assert spread_cell(_contrast(levene=0.01, ratio=0.4), None) == "**steadier** 0.40"
    assert spread_cell(_contrast(levene=float("nan")), None) == "too few seeds"


def test_the_table_has_a_row_per_measure_and_a_dash_where_one_does_not_apply():
    with_bn = _column(recomputed=((-0.011, 0.005), (0.001, 0.8)))
    table = verdict_markdown([with_bn, Column("b", *list(vars(_column()).values())[1:])])
    assert "| exploratory: recomputed, full test set | **worse** −1.10 [−2.10, −0.10] | – |" in table
    assert "| train − validation gap | **wider** +1.20 [0.20, 2.20] | **wider** +1.20 [0.20, 2.20] |" in table
    assert table.count("\n") == 7  # header, rule and six measures


@pytest.mark.parametrize(
    ("column", "said"),
    [
        (_column(), "As trained, the a is worse than the b on the full test set, and not shown to differ on the exact"),
        (_column(exact=(-0.013, 0.001)), "As trained, the a is worse than the b on both test sets."),
        (_column(full=(0.004, 0.4), exact=(0.003, 0.6)), "is not shown to differ from the b on either test set."),
        (_column(exact=(0.02, 0.001)), "is better than the b on the exact images and worse on the full test set."),
        (
            _column(full=(0.004, 0.4), exact=(0.003, 0.6), recomputed=((0.027, 0.001), (0.017, 0.01))),
            "; with its BatchNorm statistics recomputed it would be better than the b on both test sets.",
        ),
        (_column(levene=0.01), "Its spread over seeds is larger than the b's"),
        (
            _column(),
            "Its spread over seeds is not shown to differ from the b's, and its training − validation gap is wider.",
        ),
        (_column(gap=(-0.01, 0.5)), "and its training − validation gap is not shown to differ."),
    ],
)
def test_the_words_follow_the_cells(column, said):
    assert said in plain_text(column, "b")


def test_a_spread_only_the_f_interval_finds_larger_is_said_in_words():
    column = _column(levene=0.13)
    column.ratio = StdRatio(3.65, 1.82, 7.33, 0.001, 0.13)
    said = plain_text(column, "b")
    assert (
        "Its spread over seeds is larger than the b's by the F interval (ratio 3.65, [1.82, 7.33]) but not by" in said
    )
    column.ratio = StdRatio(1.2, 0.6, 2.4, 0.5, 0.5)
    assert "Its spread over seeds is not shown to differ from the b's" in plain_text(column, "b")
