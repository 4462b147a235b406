"""The one place numbers are formatted for the report."""

import math

import pandas as pd

from cnnlab import present
from cnnlab.stats import summarize


def test_number_formats():
    assert present.pct(0.65432) == "65.43 %" and present.pct(math.nan) == "n/a"
    assert present.count(50000) == "50,000" and present.num(2.34567) == "2.346"
    assert present.points(0.0876) == "8.8" and present.points(-0.0123, 2) == "\u22121.23"
    assert present.pp(0.0123) == "+1.23" and present.pp(-0.005) == "\u22120.50"
    assert present.pp(-0.00004, 1) == "0.0" and present.pp(0.00004) == "0.00"  # no "−0.0"
    assert present.sig(0.0010000000474974513) == "0.001" and present.sig(1e-07) == "10⁻⁷"
    assert present.sig(2.5e-08) == "2.5 × 10⁻⁸" and present.sig(0.999) == "0.999"
    assert present.p_value(0.0004) == "p < 0.001" and present.p_value(0.0321) == "p = 0.032"
    assert present.p_value(math.nan).startswith("p undefined")


def test_counts_agree_and_times_read_in_utc():
    assert present.count_of(1, "run was", "runs were") == "1 run was"
    assert present.count_of(1200, "run was", "runs were") == "1,200 runs were"
    assert present.moment("2026-11-25T15:07:36+00:00") == "2026-11-25 15:07 UTC"
    assert present.moment("2026-11-25T16:07:36+01:00") == "2026-11-25 15:07 UTC"
    assert present.moment("2026-11-25T15:07:36") == "2026-11-25 15:07"


def test_mean_std_and_interval():
    s = summarize([0.60, 0.62, 0.64])
    assert present.pm(s) == "62.00 ± 2.00 % (n = 3)" and present.pm(s, with_n=False) == "62.00 ± 2.00 %"
    assert present.ci(s) == f"[{s.ci_low * 100:.2f}, {s.ci_high * 100:.2f}]".replace("-", present.MINUS)
    assert present.pm(summarize([0.5])) == "50.00 % (n = 1, no spread)"


def test_markdown_table():
    table = present.markdown_table(pd.DataFrame({"a": ["x"], "b": ["1"]}))
    assert table == "| a | b |\n|:--|--:|\n| x | 1 |"
    wide = present.markdown_table(pd.DataFrame({"variant": ["tiny VGG + BatchNorm"], "n": ["10"]}))
    assert wide.splitlines()[1] == "|:" + "-" * 19 + "|--:|"  # dashes follow the longest entry


def test_nonbreaking_glues_numbers_to_units_and_relations():
    nb = present.NBSP
    assert present.nonbreaking("65.74 ± 1.33 % (n = 10)") == f"65.74{nb}±{nb}1.33{nb}% (n{nb}={nb}10)"
    assert present.nonbreaking("p < 0.001, g = −0.67, 10 vs 10") == f"p{nb}<{nb}0.001, g{nb}={nb}−0.67, 10{nb}vs{nb}10"
    assert present.nonbreaking("took 12.3 s, 3 × 3 kernels") == f"took 12.3{nb}s, 3{nb}×{nb}3 kernels"
    unchanged = "in 3 steps of 10 seeds, width=62%, a p value"
    assert present.nonbreaking(unchanged) == unchanged
