"""Formatting for the report: every number in the prose and tables goes through these helpers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from cnnlab.stats import ALPHA, Comparison, Interaction, StdRatio, Summary


@dataclass(frozen=True)
class Interval:
    """A 95 % interval to print with ``ci`` where no summary or comparison holds it (a std's, a size's)."""

    ci_low: float
    ci_high: float


MINUS = "\u2212"  # the typographic minus sign, as in "−0.67" (a hyphen is shorter and breaks lines)


def _signed(text: str) -> str:
    return text.replace("-", MINUS)


def pct(value: float, digits: int = 2) -> str:
    """A fraction as a percentage: 0.6543 -> "65.43 %"."""
    return "n/a" if value is None or math.isnan(value) else _signed(f"{value * 100:.{digits}f} %")


def num(value: float, digits: int = 3) -> str:
    """A plain number with a fixed number of decimals (thousands separated)."""
    if value is None or math.isnan(value):
        return "n/a"
    return _signed(f"{value:,.{digits}f}")


def pp(difference: float, digits: int = 2) -> str:
    """A signed difference of two fractions in percentage points: 0.0123 -> "+1.23", -0.005 -> "−0.50"; one that
    rounds to zero has no sign ("0.00")."""
    if math.isnan(difference):
        return "n/a"
    text = f"{difference * 100:+.{digits}f}"
    return text[1:] if float(text) == 0 else _signed(text)


def points(difference: float, digits: int = 1) -> str:
    """An unsigned difference of two fractions in percentage points: 0.0876 -> "8.8"."""
    return num(difference * 100, digits)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sig(value: float, digits: int = 3) -> str:
    """A setting with a few significant digits, in the shortest form: 0.0010000000475 -> "0.001",
    1e-07 -> "10⁻⁷", 2.5e-08 -> "2.5 × 10⁻⁸"."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa} × {power}"


def count(value: int) -> str:
    """An integer with thousands separators: 50000 -> "50,000"."""
    return f"{int(value):,}"


def count_of(value: int, singular: str, plural: str) -> str:
    """A count with the noun phrase that agrees with it: (1, "run was", "runs were") -> "1 run was"."""
    return f"{count(value)} {singular if value == 1 else plural}"


def moment(timestamp: str) -> str:
    """An ISO 8601 time stamp to the minute, in UTC: "2026-11-25T15:07:36+00:00" -> "2026-11-25 15:07 UTC"."""
    when = datetime.fromisoformat(timestamp)
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M") + (" UTC" if when.tzinfo is not None else "")


def pm(summary: Summary, digits: int = 2, with_n: bool = True) -> str:
    """Mean ± std in percent, with n: "65.43 ± 0.52 % (n = 10)" ("65.43 ± 0.52 %" without n)."""
    if summary.n < 2:
        return f"{summary.mean * 100:.{digits}f} %" + (" (n = 1, no spread)" if with_n else "")
    text = f"{summary.mean * 100:.{digits}f} ± {summary.std * 100:.{digits}f} %"
    return f"{text} (n = {summary.n})" if with_n else text


def size_interval(c: Comparison | Interaction) -> Interval:
    """The interval of a difference's size: the same for a positive difference, sign-flipped for a negative one
    (printed beside "lower by 1.2 pp")."""
    return Interval(-c.ci_high, -c.ci_low) if c.difference < 0 else Interval(c.ci_low, c.ci_high)


def ci(summary: Summary | Comparison | Interval, digits: int = 2) -> str:
    """A 95 % interval in percentage points: "[64.9, 66.0]"."""
    return _signed(f"[{summary.ci_low * 100:.{digits}f}, {summary.ci_high * 100:.{digits}f}]")


def bounds(interval: Summary | Comparison | Interval | StdRatio, digits: int = 2) -> str:
    """An interval in its own units (a ratio's, a share's): "[−0.24, −0.14]"."""
    return f"[{num(interval.ci_low, digits)}, {num(interval.ci_high, digits)}]"


def p_value(p: float) -> str:
    """A p-value as a reader expects it: "p = 0.032" or "p < 0.001" ("p undefined" for NaN)."""
    if math.isnan(p):
        return "p undefined (too few seeds, or no spread)"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def markdown_table(frame: pd.DataFrame, align: Sequence[str] | None = None) -> str:
    """A pipe table (pandoc and Quarto read it) from a frame of already formatted strings.

    The separator's dashes follow each column's longest entry: when a wide table wraps, pandoc
    shares the page width between columns in proportion to them.
    """
    align = align or ["l"] + ["r"] * (len(frame.columns) - 1)
    widths = [max([3, len(str(name)), *(len(str(v)) for v in frame[name])]) for name in frame.columns]
    marks = [
        {"l": ":" + "-" * (w - 1), "r": "-" * (w - 1) + ":", "c": ":" + "-" * max(w - 2, 1) + ":"}[a]
        for a, w in zip(align, widths, strict=True)
    ]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


INTERVAL = f"{pct(1 - ALPHA, 0)} interval"  # the name of the statistics' confidence interval: "95 % interval"


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def word(value: int) -> str:
    """A small count in words, as prose writes it: 8 -> "eight" (digits from 11 on: 12 -> "12")."""
    return _WORDS[value] if 0 <= value < len(_WORDS) else count(value)


NBSP = "\u00a0"
_GLUE = (  # spaces that must not break a line: "65.43 %", "12.3 s", "p < 0.001", "n = 10", "3 × 3", "10 vs 10"
    (re.compile(r"(?<=\d) (?=(?:%|s|ms|h|MB|GB|pp)(?![\w]))"), NBSP),
    (re.compile(r"(?<![\w])([pngt]) ([=<>≤≥]) (?=[\d−-])"), rf"\1{NBSP}\2{NBSP}"),
    (re.compile(r"(?<=\d) ([±×]|vs) (?=[\d−-])"), rf"{NBSP}\1{NBSP}"),
)


def nonbreaking(text: str) -> str:
    """Glue numbers to their units and relations with no-break spaces, so no line starts with "%" or "< 0.001"."""
    for pattern, replacement in _GLUE:
        text = pattern.sub(replacement, text)
    return text
