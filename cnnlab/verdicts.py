"""Verdict sentences: a variant against the tiny VGG on one measure, over seeds.

Every verdict names the direction and size of the difference with its 95 % interval, the test that decides
(Holm-corrected within its family, ``stats.family``), its plain conclusion and, when the test finds nothing,
the difference the seeds would have detected with 80 % power. Like ``sentences``, these are pure functions
of numbers already computed (accuracies and gaps as fractions) and display names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnnlab import present
from cnnlab.power import POWER, detectable_between, paired_detectable
from cnnlab.stats import ALPHA, Comparison, StdRatio, Summary, family, summarize


@dataclass(frozen=True)
class Contrast:
    """One measure of a variant against the baseline: both sides over seeds, the comparison (with its family's
    Holm-corrected p-values) and the difference these seeds detect with 80 % power."""

    variant: Summary
    base: Summary
    test: Comparison
    detectable: float

    @property
    def significant(self) -> bool:
        return self.test.significant

    @property
    def difference(self) -> float:
        return self.test.difference


@dataclass(frozen=True)
class Found:
    """Where a variant differs from the baseline after Holm's correction, over both test sets: the test sets
    (0 for the full test set, 1 for its exact images) on which it is significantly better, and worse."""

    better: tuple[int, ...]
    worse: tuple[int, ...]

    @classmethod
    def of(cls, full: Contrast, exact: Contrast) -> Found:
        pairs = list(enumerate((full, exact)))
        return cls(
            tuple(i for i, c in pairs if c.significant and c.difference > 0),
            tuple(i for i, c in pairs if c.significant and c.difference < 0),
        )

    @property
    def sets(self) -> tuple[int, ...]:
        """The test sets with a significant difference, either way."""
        return tuple(sorted(self.better + self.worse))

    @property
    def mixed(self) -> bool:
        """Significantly better on one test set and worse on the other."""
        return bool(self.better and self.worse)


def contrasts(pairs: dict[str, tuple[np.ndarray, np.ndarray]], is_paired: bool = False) -> dict[str, Contrast]:
    """A family of comparisons (variant, baseline) as contrasts: summaries, Holm-corrected tests and power."""
    tests = family(pairs, is_paired)
    power = paired_detectable if is_paired else detectable_between
    return {v: Contrast(summarize(a), summarize(b), tests[v], power(a, b)) for v, (a, b) in pairs.items()}


def direction(difference: float) -> str:
    return "higher" if difference > 0 else "lower"


def p_values(c: Comparison, test: str = "Welch's t-test") -> str:
    """ "Welch's t-test p = 0.042, Holm p = 0.127" (the Holm part only when the test is in a family)."""
    text = f"{test} {present.p_value(c.welch_p)}"
    return text if math.isnan(c.holm_welch_p) else f"{text}, Holm {present.p_value(c.holm_welch_p)}"


def evidence(c: Comparison, test: str = "Welch's t-test") -> str:
    """The interval and the test of a difference: "95 % interval [−3.63, −1.73]; Welch's t-test p < 0.001, ..."."""
    return f"{present.INTERVAL} {present.ci(c)}; {p_values(c, test)}"


def power_clause(detectable: float) -> str:
    """What a test that found nothing could have found: "" when unknown."""
    if math.isnan(detectable):
        return ""
    return (
        f"these seeds would have detected a difference of {present.points(detectable, 2)} pp with "
        f"{present.pct(POWER, 0)} power"
    )


def test_sets(n_exact: int) -> tuple[str, str]:
    return "the full test set", f"the exact {present.count(n_exact)} images"


def accuracy_verdict(
    label: str, base: str, full: Contrast, exact: Contrast, n_exact: int, prefix: str = "", verb: str = "is"
) -> str:
    """The variant's mean test accuracy against the base on the full test set and on its exact images
    (``prefix`` and ``verb`` for a hypothetical: "With its statistics recomputed, ", "would be")."""
    sets = test_sets(n_exact)
    facts = (
        f"{prefix}the mean test accuracy of the {label} {verb} {direction(full.difference)} than that of the {base} "
        f"by {present.points(abs(full.difference), 2)} pp on {sets[0]} ({evidence(full.test)}; "
        f"Hedges' g = {present.num(full.test.hedges_g, 2)}) and {direction(exact.difference)} by "
        f"{present.points(abs(exact.difference), 2)} pp on {sets[1]} ({evidence(exact.test)})"
    )
    return f"{facts[0].upper()}{facts[1:]}: {two_sets_reading(full, exact, n_exact, verb)}."


def two_sets_reading(full: Contrast, exact: Contrast, n_exact: int, verb: str = "is") -> str:
    """The plain conclusion of a difference measured on both test sets, decided by the Holm-corrected p (``verb``
    "would be" for a hypothetical)."""
    sets, found = test_sets(n_exact), Found.of(full, exact)
    if found.mixed:
        return "significant on both test sets but in opposite directions: the two test sets disagree"
    way = "better" if found.better else "worse"
    if len(found.sets) == 2:
        return f"significant after Holm's correction on both test sets, so it {verb} {way} on both"
    if not found.sets:
        text = "significant on neither test set after Holm's correction: these seeds cannot tell the two apart"
        power = [f"{present.points(c.detectable, 2)} pp on {s}" for c, s in zip((full, exact), sets, strict=True)]
        if not any(math.isnan(c.detectable) for c in (full, exact)):
            text += f" (they would have detected {power[0]} and {power[1]} with {present.pct(POWER, 0)} power)"
        return text
    hit = found.sets[0]
    miss = (full, exact)[1 - hit]
    power = f" (where {power_clause(miss.detectable)})" if power_clause(miss.detectable) else ""
    head = f"significant after Holm's correction on {sets[hit]} but not on {sets[1 - hit]}{power}"
    if hit == 0:
        return f"{head}: it {verb} {way} on {sets[0]}, and the exact images alone do not confirm it"
    return f"{head}: the two test sets disagree"


def ranks_sentence(full: Comparison, exact: Comparison, n_exact: int) -> str:
    """Mann-Whitney's rank test on both test sets, and whether it reaches Welch's verdicts."""
    sets = test_sets(n_exact)
    facts = (
        f"Mann–Whitney's rank test gives Holm {present.p_value(full.ranks_p)} "
        f"on {sets[0]} and Holm {present.p_value(exact.ranks_p)} on {sets[1]}"
    )
    differ = [s for c, s in zip((full, exact), sets, strict=True) if (c.ranks_p < ALPHA) != c.significant]
    if not differ:
        return f"{facts}: the same verdicts as Welch's test."
    return f"{facts}: unlike Welch's test on {' and '.join(differ)}."


def levene_power_text(n: int, ratio: float) -> str:
    """What Levene's test can detect with ``n`` seeds per variant: said once, for every spread verdict."""
    if math.isnan(ratio):
        return "With so few seeds, Levene's test cannot be relied on to detect any difference in spread."
    return (
        f"For the spread that is the same everywhere: with {n} seeds each, Levene's test detects with "
        f"{present.pct(POWER, 0)} power only standard deviations that differ by a factor of about "
        f"{present.num(ratio, 1)} or more."
    )


def spread_sentence(c: Comparison, interval: StdRatio | None = None) -> str:
    """Whether the spread over seeds is significantly smaller, larger, not shown to differ, or untestable;
    ``interval`` gives the ratio's F interval (variant over baseline)."""
    if math.isnan(c.levene_p):
        return (
            "Its spread over seeds cannot be tested with these runs (Levene's test needs at least three "
            "seeds of each variant and test accuracies that are not all equal)."
        )
    held = f"Levene's test {present.p_value(c.levene_p)}"
    if not math.isnan(c.holm_levene_p):
        held += f", Holm {present.p_value(c.holm_levene_p)}"
    ratio = f"standard deviation ratio {present.num(c.std_ratio, 2)}"
    if interval is not None:
        ratio += f", {present.INTERVAL} {present.bounds(interval)} from the F distribution, before Holm's correction"
    larger = "smaller" if c.std_ratio < 1 else "larger"
    if c.spread_differs:
        robust = "more" if c.std_ratio < 1 else "less"
        return f"Its spread over seeds is significantly {larger} ({ratio}; {held}): it is {robust} robust to the seed."
    could = ", and the interval says how far apart the two spreads could be" if interval else ""
    if interval and interval.excludes_equal:
        could = (
            "; the F interval, which assumes normally spread accuracies, excludes equal spreads, but Levene's "
            "median-centred test, robust to an outlying seed, does not confirm it"
        )
    return (
        f"Its spread over seeds is {larger} ({ratio}) but not significantly so ({held}): these seeds do not show it "
        f"to be more or less robust{could} (what Levene's test detects: @sec-improvements)."
    )


def fit_text(base: str, train: Contrast, gap: Contrast) -> str:
    """How closely the variant fits its training images and how wide its generalisation gap is, against the base,
    from the final weights scored in inference mode: accuracy on the training part, and that minus the validation
    accuracy."""
    facts = (
        f"Scored with its final weights in inference mode (@sec-q8), it classifies "
        f"{present.pm(train.variant, with_n=False)} of its training images correctly against "
        f"{present.pm(train.base, with_n=False)} for the {base} ({present.pp(train.difference)} pp, "
        f"{evidence(train.test)}), and its training accuracy exceeds its validation accuracy by "
        f"{_points_pm(gap.variant)} pp against {_points_pm(gap.base)} ({present.pp(gap.difference)} pp, "
        f"{evidence(gap.test)})"
    )
    return f"{facts}: {fit_reading(train)}, and {gap_reading(gap)}."


def _points_pm(s: Summary) -> str:
    return f"{present.points(s.mean, 2)} ± {present.points(s.std, 2)}"


def fit_core(train: Contrast) -> str:
    if train.significant:
        return f"it fits its training images {'more' if train.difference > 0 else 'less'} closely"
    return "it fits its training images neither detectably more nor less closely"


def gap_core(gap: Contrast) -> str:
    """The training - validation gap's verdict, named for what it measures: how well the variant generalises from
    what it fits (the overfitting the curves show is the validation loss's rise, early_stopping)."""
    if gap.significant:
        return f"its generalisation gap is {'wider' if gap.difference > 0 else 'narrower'}"
    return "its generalisation gap is not detectably wider or narrower"


def power_note(c: Contrast, sep: str) -> str:
    """The power clause of a contrast its test did not find significant, after ``sep`` ("" otherwise)."""
    return f"{sep}{power_clause(c.detectable)}" if not c.significant and power_clause(c.detectable) else ""


def fit_reading(train: Contrast) -> str:
    note = power_note(train, "")
    return fit_core(train) + (f" ({note})" if note else "")


def gap_reading(gap: Contrast) -> str:
    note = power_note(gap, "")
    return gap_core(gap) + (f" ({note})" if note else "")


def spread_change(before: float, after: float, p: float, holm_p: float = math.nan) -> str:
    """What recomputing BatchNorm's statistics does to the standard deviation over seeds (Pitman-Morgan's ``p``,
    and its Holm-corrected ``holm_p`` when the question is asked of several variants)."""
    facts = f"The standard deviation over seeds goes from {present.points(before, 2)} to {present.points(after, 2)} pp"
    test = f"Pitman–Morgan test of paired variances {present.p_value(p)}"
    if not math.isnan(holm_p):
        test, p = f"{test}, Holm {present.p_value(holm_p)}", holm_p
    if after >= before:
        return f"{facts} ({test}): recomputing the running averages does not lessen the spread."
    if not p < ALPHA:
        return f"{facts}, a fall these seeds do not show to be real ({test})."
    share = "most" if after < before / 2 else "part"
    return (
        f"{facts} ({test}): {share} of the spread as trained goes with the running averages, since recomputing them "
        "changes no trained weight."
    )


def recalibration_text(
    images: int, before: tuple[Summary, Summary], after: tuple[Summary, Summary], n_exact: int, first: bool = True
) -> str:
    """What recomputing BatchNorm's statistics from ``images`` training images gives on both test sets
    (``before`` and ``after`` are (full test set, exact images)); the step is explained for the ``first`` variant
    only, and referred to after it."""
    how = (
        "At test time BatchNormalization normalises with running averages of the training batches' statistics. "
        "An exploratory step, added after the runs were seen and not part of the planned comparisons, recomputes "
        f"them from the first {present.count(images)} training images (all in the part each run trained on) with "
        "each seed's final weights, without changing any trained weight. It"
        if first
        else f"Recomputing its BatchNorm statistics as in @sec-q13 (from the first {present.count(images)} training "
        "images)"
    )
    return (
        f"{how} gives a test accuracy of {present.pm(after[0])} on the full test set against "
        f"{present.pm(before[0], with_n=False)} as trained, and {present.pm(after[1], with_n=False)} on the exact "
        f"{present.count(n_exact)} images against {present.pm(before[1], with_n=False)}."
    )


def moved_text(seed: int, moved: tuple[float, float]) -> str:
    return (
        f"The seed that moves most, {seed}, goes from {present.pct(moved[0])} to {present.pct(moved[1])} on the "
        "full test set."
    )
