"""The conclusions' verdicts at a glance: each variant against the tiny VGG, measure by measure, in one table, and
the plain sentence that reads a variant's column. Each cell gives the verdict after Holm's correction and the
difference with its 95 % interval; the tests behind it are in Section 5's tables, so neither repeats p-values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cnnlab import present
from cnnlab.claims import TEST_SETS, Claims
from cnnlab.stats import StdRatio
from cnnlab.verdicts import Contrast, Found

NOT_SHOWN = "not shown"
EXCLUDES = "†"  # marks a spread whose F interval excludes 1 while Levene's test finds nothing


@dataclass
class Column:
    """One variant's verdicts: accuracy as trained and, for a variant with BatchNorm, with its statistics
    recomputed (full test set, exact images), the train - validation gap in inference mode, and the spread."""

    name: str
    trained: tuple[Contrast, Contrast]
    recomputed: tuple[Contrast, Contrast] | None
    gap: Contrast
    spread: Contrast
    ratio: StdRatio | None


def accuracy_cell(c: Contrast) -> str:
    """ "**worse** −2.68 [−3.63, −1.73]": the verdict, then the difference in pp with its interval."""
    word = ("**better**" if c.difference > 0 else "**worse**") if c.significant else NOT_SHOWN
    return f"{word} {present.pp(c.difference)} {present.ci(c.test)}"


def gap_cell(c: Contrast) -> str:
    word = ("**wider**" if c.difference > 0 else "**narrower**") if c.significant else NOT_SHOWN
    return f"{word} {present.pp(c.difference)} {present.ci(c.test)}"


def spread_cell(c: Contrast, ratio: StdRatio | None) -> str:
    """ "not shown 1.62 [0.81, 3.26]": Levene's verdict, then the ratio of standard deviations with its F interval."""
    if math.isnan(c.test.levene_p):
        return "too few seeds"
    word = ("**steadier**" if c.test.std_ratio < 1 else "**less steady**") if c.test.spread_differs else NOT_SHOWN
    size = present.num(c.test.std_ratio, 2)
    if ratio is not None:
        size += f" {present.bounds(ratio)}"
        size += EXCLUDES if ratio.excludes_equal and not c.test.spread_differs else ""
    return f"{word} {size}"


def verdict_markdown(columns: Sequence[Column]) -> str:
    """The table: one row per measure, one column per variant ("–" where a measure does not apply)."""
    rows: dict[str, list[str]] = {
        "accuracy, full test set": [accuracy_cell(c.trained[0]) for c in columns],
        "accuracy, exact images": [accuracy_cell(c.trained[1]) for c in columns],
        "spread over seeds (ratio)": [spread_cell(c.spread, c.ratio) for c in columns],
        "train − validation gap": [gap_cell(c.gap) for c in columns],
        "exploratory: recomputed, full test set": [
            accuracy_cell(c.recomputed[0]) if c.recomputed else "–" for c in columns
        ],
        "exploratory: recomputed, exact images": [
            accuracy_cell(c.recomputed[1]) if c.recomputed else "–" for c in columns
        ],
    }
    frame = pd.DataFrame({"measure": list(rows), **{c.name: [rows[r][i] for r in rows] for i, c in enumerate(columns)}})
    return present.markdown_table(frame, ["l"] + ["r"] * len(columns))


def _where(found: Found, base: str, verb: str) -> str:
    """ "is worse than the tiny VGG on the full test set, and not shown to differ on the exact images"."""
    sets = ("on the full test set", "on the exact images")
    if not found.sets:
        return f"{verb} not shown to differ from the {base} on either test set"
    said = [
        (way, "on both test sets" if len(on) == 2 else sets[on[0]])
        for way, on in (("better", found.better), ("worse", found.worse))
        if on
    ]
    (way, where), *rest = said
    text = f"{verb} {way} than the {base} {where}" + "".join(f" and {w} {o}" for w, o in rest)
    missing = [s for i, s in enumerate(sets) if i not in found.sets]
    return f"{text}, and not shown to differ {missing[0]}" if missing else text


def plain_text(column: Column, base: str) -> str:
    """A variant's column in words, without numbers: accuracy as trained and recomputed, spread and gap."""
    text = f"As trained, the {column.name} {_where(Found.of(*column.trained), base, 'is')}"
    if column.recomputed:
        text += (
            f"; with its BatchNorm statistics recomputed it {_where(Found.of(*column.recomputed), base, 'would be')}"
        )
    spread = column.spread.test
    steadiness = (
        "too few seeds to compare its spread over seeds"
        if math.isnan(spread.levene_p)
        else f"its spread over seeds is {'smaller' if spread.std_ratio < 1 else 'larger'} than the {base}'s"
        if spread.spread_differs
        else f"its spread over seeds is not shown to differ from the {base}'s"
    )
    ratio = column.ratio
    if ratio is not None and ratio.excludes_equal and not math.isnan(spread.levene_p) and not spread.spread_differs:
        way = "smaller" if ratio.ratio < 1 else "larger"
        steadiness = (
            f"its spread over seeds is {way} than the {base}'s by the F interval (ratio {present.num(ratio.ratio, 2)}, "
            f"{present.bounds(ratio)}) but not by Levene's test, which "
            "discounts an outlying seed"
        )
    gap = column.gap
    fit = (
        f"its training − validation gap is {'wider' if gap.difference > 0 else 'narrower'}"
        if gap.significant
        else "its training − validation gap is not shown to differ"
    )
    return f"{text}. {steadiness[0].upper()}{steadiness[1:]}, and {fit}."


def columns(claims: Claims) -> dict[str, Column]:
    """Every compared variant's column, from the claims' Holm-corrected families."""
    both = lambda found, v: tuple(found[s][v] for s in TEST_SETS)  # noqa: E731
    return {
        v: Column(
            claims.name(v),
            both(claims.accuracy, v),
            both(claims.recomputed, v) if v in claims.batchnorm_variants else None,
            claims.fit["gap"][v],
            claims.accuracy["full"][v],
            claims.spread_ratio(v),
        )
        for v in claims.others
    }
