"""The seed study's sentences: its spreads, its differences with their tests, and its verdicts, in words."""

from __future__ import annotations

import math

import numpy as np

from cnnlab import present
from cnnlab.power import POWER, interaction_detectable
from cnnlab.present import Interval
from cnnlab.seed_study import Decomposition
from cnnlab.stats import ALPHA, Comparison, Interaction, StdRatio


def stds_text(parts: Decomposition, separator: str) -> str:
    """ "initialisation alone 0.30 pp [0.16, 1.87], order alone ...": each spread with its 95 % interval."""
    return separator.join(
        f"{s.title} {present.points(s.summary.std, 2)} pp {present.ci(Interval(s.std_low, s.std_high))}"
        for s in parts.spreads
    )


def spreads_brief(parts: Decomposition) -> str:
    """The three spreads with their intervals and whether a Brown–Forsythe test tells them apart."""
    differ = "a" if parts.differ_p < ALPHA else "no"
    return (
        f"{stds_text(parts, ', ')}; a Brown–Forsythe test detects {differ} difference between them "
        f"({present.p_value(parts.differ_p)})"
    )


def tests_text(c: Comparison) -> str:
    """ "Welch's t-test p = 0.020, Holm p = 0.040" (Holm only when the comparison is in a family)."""
    holm = "" if math.isnan(c.holm_welch_p) else f", Holm {present.p_value(c.holm_welch_p)}"
    return f"Welch's t-test {present.p_value(c.welch_p)}{holm}"


def numbers_text(c: Comparison) -> str:
    """ "+0.12 pp [−1.0, 1.2], Welch's t-test p = 0.8, Holm p = 1.000": a difference with its interval and tests."""
    return f"{present.pp(c.difference)} pp {present.ci(c)}, {tests_text(c)}"


def verdict_text(c: Comparison, new: str, old: str) -> str:
    """'a new order every epoch is higher/lower by x pp [ci] (tests)', or that these runs cannot tell."""
    if c.mean_p < ALPHA:
        direction = "higher" if c.difference > 0 else "lower"
        size = f"{present.points(abs(c.difference), 2)} pp {present.ci(c)}"
        return f"{new} is {direction} than {old} by {size} ({tests_text(c)})"
    return f"these runs cannot tell {new} from {old} ({numbers_text(c)})"


def brief_text(c: Comparison) -> str:
    """ "+1.15 pp [−0.38, 2.69] (Holm p = 0.234)": a difference with its interval and its deciding p."""
    test = "Holm p" if not math.isnan(c.holm_welch_p) else "Welch's t-test p"
    return f"{present.pp(c.difference)} pp {present.ci(c)} ({test}{present.p_value(c.mean_p).removeprefix('p')})"


def order_effects_text(changes: dict[str, dict[str, Comparison]]) -> str:
    """The significant changes a new order every epoch makes (per variant, then per test set: Holm-corrected
    comparisons), with their numbers, and which of the others show none."""
    shown = [
        f"{label} changes by {brief_text(c)} on the {title}"
        for label, sets in changes.items()
        for title, c in sets.items()
        if c.significant
    ]
    quiet = {label: [t for t, c in sets.items() if not c.significant] for label, sets in changes.items()}
    where = {label: "on either test set" if len(t) == 2 else f"on the {t[0]}" for label, t in quiet.items() if t}
    if not shown:
        return "no change is significant, for either variant on either test set"
    if not where:
        return "; ".join(shown)
    return f"{'; '.join(shown)}; no other change is significant ({', '.join(f'{k} {v}' for k, v in where.items())})"


def deficit_shown(fixed: Comparison) -> bool:
    """Whether the fixed order shows +BatchNorm below tiny VGG (Welch's test of the matched seeds)."""
    return bool(fixed.welch_p < ALPHA and fixed.difference < 0)


def survival_text(deficits: dict[str, tuple[Comparison, Comparison]], what: str) -> str:
    """Whether +BatchNorm minus tiny VGG, measured with a new order every epoch on each named test set, stays below
    zero: ``deficits`` maps a test set to (fixed order, new order every epoch), the latter Holm-corrected. It
    "survives" where the fixed order showed it (:func:`deficit_shown`) and the new order does too; where the
    fixed order did not show it, there is none to survive."""

    def where(sets: list[str], every: str = " on both test sets") -> str:
        if len(deficits) == 1:
            return ""
        return every if len(sets) == len(deficits) else f" on the {' and the '.join(sets)}"

    shown = {t for t, (fixed, _) in deficits.items() if deficit_shown(fixed)}
    lower = [t for t, (_, c) in deficits.items() if c.significant and c.difference < 0]
    higher = [t for t, (_, c) in deficits.items() if c.significant and c.difference > 0]
    said = []
    if survives := [t for t in lower if t in shown]:
        said.append(f"{what} survives reshuffling{where(survives)}")
    if appears := [t for t in lower if t not in shown]:
        said.append(
            f"+BatchNorm is lower with a new order every epoch{where(appears)}, where the fixed order shows no deficit"
        )
    if reverses := [t for t in higher if t in shown]:
        said.append(
            f"+BatchNorm is higher with a new order every epoch{where(reverses)}, so {what} does not survive there"
        )
    if rises := [t for t in higher if t not in shown]:
        said.append(f"+BatchNorm is higher with a new order every epoch{where(rises)}")
    if undecided := [t for t in deficits if t in shown and t not in lower + higher]:
        said.append(
            f"these runs cannot tell whether {what} survives reshuffling{where(undecided, ' on either test set')}"
        )
    if absent := [t for t in deficits if t not in shown and t not in lower + higher]:
        said.append(f"neither order shows {what}{where(absent, ' on either test set')}")
    return "; ".join(said)


def deficit_change_text(change: Interaction, holm_p: float, fixed: Comparison) -> str:
    """How a new order every epoch changes +BatchNorm minus tiny VGG (``fixed``: with the fixed order), with its
    interval, or what a test could have detected; the words follow whether the fixed order shows a deficit and
    the sign of the change."""
    if math.isnan(change.p):
        return f"reshuffling changes it by {present.pp(change.difference)} pp (no spread over seeds to test it by)"
    tests = f"Welch's t-test {present.p_value(change.p)}, Holm {present.p_value(holm_p)}"
    shown = deficit_shown(fixed)
    if holm_p >= ALPHA:
        unknown = "whether any of it comes from the fixed order is not shown"
        if not shown:
            unknown = "reshuffling does not detectably change the difference"
        return (
            f"{unknown} (reshuffling changes it by "
            f"{present.pp(change.difference)} pp {present.ci(change)}, {tests}; a change of "
            f"{present.points(interaction_detectable(change), 2)} pp would have been detected with "
            f"{present.pct(POWER, 0)} power before the correction)"
        )
    by = f"{present.points(abs(change.difference), 2)} pp {present.ci(present.size_interval(change))} ({tests})"
    if not shown:
        return f"reshuffling {'raises' if change.difference > 0 else 'lowers'} +BatchNorm against tiny VGG by {by}"
    if change.difference < 0:
        return f"reshuffling widens the deficit by {by}"
    if fixed.difference + change.difference < 0:
        return f"reshuffling narrows the deficit by {by}, so part of it comes from the fixed order"
    return f"reshuffling removes the deficit, changing it by {by}, so it comes from the fixed order"


def share_text(ratio: StdRatio, factor: str) -> str:
    """What the interval of std(``factor`` alone) / std(both) says about that factor's share of the spread."""
    if ratio.ci_high < 1:
        return f"{factor} alone spread it less than a whole new seed does"
    if ratio.ci_low > 1:
        return f"{factor} alone spread it more than a whole new seed does"
    return f"these runs cannot tell whether {factor} alone spread it less than a whole new seed does"


def ratios_text(parts: Decomposition, own: tuple[np.ndarray, np.ndarray]) -> str:
    """Each factor's spread over its runs of its own (``own``: initialisation alone, order alone, without a run
    the protocol's group holds too) against the protocol's, with the F interval of the ratio, and its reading."""
    said, read = [], []
    for factor, ratio, values in zip(
        ("the initial weights", "the order"), (parts.init_vs_both, parts.order_vs_both), own, strict=True
    ):
        interval = f"{present.num(ratio.ci_low, 2)} to {present.num(ratio.ci_high, 2)}"
        said.append(
            f"{present.num(ratio.ratio, 2)} (95 % interval {interval}) for {factor} "
            f"({present.points(float(values.std(ddof=1)), 2)} pp over {len(values)} runs)"
        )
        read.append(share_text(ratio, factor))
    left = " (seed 0's run, which the protocol's group holds too, left out)" if parts.shared else ""
    undecided = "these runs cannot tell whether"
    reading = f"{read[0]}, and {read[1]}"
    if all(r.startswith(undecided) for r in read):
        reading = f"{undecided} either factor alone spreads it less than a whole new seed does"
    return (
        f"Against the protocol's spread, each factor's own runs{left} give a ratio of standard deviations of "
        f"{said[0]} and {said[1]}: {reading}."
    )


def variance_text(parts: Decomposition) -> str:
    """How much of the protocol's variance the two factors' variances add up to, and when they would add up to
    all of it."""
    init, order, both = (s.summary.std for s in parts.spreads)
    share = (init**2 + order**2) / both**2
    return (
        f"The two factors' variances add up to {present.pct(share, 0)} of the protocol's "
        f"({present.points(init, 2)}² + {present.points(order, 2)}² against {present.points(both, 2)}², in pp²); they "
        "would add up to it if the two acted independently and additively, up to the sampling error of spreads "
        "from so few runs."
    )


def fixed_partner_text(c: Comparison) -> str:
    """Each group's spread is measured at one value of the other factor (seed 0's): whether that value shifts its
    group's mean, from the initialisation-alone group minus the order-alone group."""
    held = "Each group holds the other factor at seed 0's value (the first its order, the second its initial weights)"
    if c.welch_p < ALPHA:
        side = "below" if c.difference < 0 else "above"
        poorer, better = ("order", "initial weights") if c.difference < 0 else ("initial weights", "order")
        return (
            f"{held}, and that value shifts the whole group: leaving out the seed-0 run they share, the runs with seed "
            "0's order average "
            f"{present.points(abs(c.difference), 2)} pp {present.ci(present.size_interval(c))} {side} those with its "
            "initial weights "
            f"(Welch's t-test {present.p_value(c.welch_p)}), so seed 0's {poorer} is poorer than a typical one or its "
            f"{better} better (these groups cannot say which), and each spread is measured around its own mean."
        )
    apart = "these runs cannot tell the two groups' means apart without their shared seed-0 run"
    return f"{held}; {apart} ({numbers_text(c)})."
