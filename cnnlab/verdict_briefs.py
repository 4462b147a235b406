"""The conclusions' verdicts: short forms of ``verdicts``' sentences, a variant against the tiny VGG on one measure.

Each still names the direction and size of a difference with its 95 % interval, Holm's p, its reading and, where
the test finds nothing, what the seeds would have detected; the evidence behind it is in the chapter it cites.
"""

from __future__ import annotations

import math

from cnnlab import present
from cnnlab.power import POWER
from cnnlab.stats import StdRatio
from cnnlab.verdicts import Contrast, Found, direction, fit_core, gap_core, power_note, test_sets


def spread_compact(full: Contrast, interval: StdRatio | None, detectable_ratio: float) -> str:
    """The conclusions' short form of ``verdicts.spread_sentence``: both standard deviations, their ratio with its F
    interval, Levene's Holm p and its reading, with the ratio Levene's test detects where it finds nothing."""
    c = full.test
    ratio = f"ratio {present.num(c.std_ratio, 2)}"
    if interval is not None:
        ratio += f", {present.INTERVAL} [{present.num(interval.ci_low, 2)}, {present.num(interval.ci_high, 2)}]"
    held = f"Levene's test{'' if math.isnan(c.holm_levene_p) else ' Holm'} {present.p_value(c.spread_p)}"
    facts = (
        f"its standard deviation over seeds is {present.points(full.variant.std, 2)} against "
        f"{present.points(full.base.std, 2)} pp on the full test set ({ratio}; {held})"
    )
    if math.isnan(c.levene_p):
        return f"{facts}: too few seeds to test"
    if c.spread_differs:
        return f"{facts}: it is {'more' if c.std_ratio < 1 else 'less'} robust to the seed"
    power = ""
    if not math.isnan(detectable_ratio):
        ratio_seen = present.num(detectable_ratio, 1)
        power = f"these seeds would have detected only ratios of about {ratio_seen} with {present.pct(POWER, 0)} power"
    if interval is not None and interval.excludes_equal:
        return (
            f"{facts}: not shown to be more or less robust{f' ({power})' if power else ''}; the F interval, which "
            "counts every seed fully and assumes normally spread accuracies, excludes equal spreads, but Levene's "
            "median-centred test, built to discount an outlying seed, does not confirm it"
        )
    return f"{facts}: not shown to be more or less robust{f'; {power}' if power else ''}"


def signed_size(c: Contrast) -> str:
    """A signed difference with its 95 % interval: "−0.24 pp [−1.20, 0.72]"."""
    return f"{present.pp(c.difference)} pp {present.ci(c.test)}"


def fit_compact(train: Contrast, gap: Contrast) -> str:
    """A short form of ``verdicts.fit_text`` for the conclusions."""
    return (
        f"{fit_core(train)} ({present.pct(train.variant.mean)} against {present.pct(train.base.mean)}, "
        f"{signed_size(train)}, Holm {present.p_value(train.test.mean_p)}{power_note(train, '; ')}) and "
        f"{gap_core(gap).removeprefix('it ')} (training − validation gap {present.points(gap.variant.mean, 2)} "
        f"against {present.points(gap.base.mean, 2)} pp, {signed_size(gap)}, Holm {present.p_value(gap.test.mean_p)}"
        f"{power_note(gap, '; ')})"
    )


def compact(label: str, base: str, full: Contrast, exact: Contrast, n_exact: int, verb: str = "is") -> str:
    """A short form of ``verdicts.accuracy_verdict`` for the conclusions: each signed difference with its 95 %
    interval (a size beside "lower" would read "lower by −0.60" where the interval crosses zero), Holm's p, where
    it is significant, and what the seeds would have detected where it is not."""
    sets = test_sets(n_exact)
    alike = direction(full.difference) == direction(exact.difference)  # say the direction once when it is the same
    facts = (
        f"the {label} {verb} {direction(full.difference)} than the {base} on {sets[0]} ({signed_size(full)}, "
        f"Holm {present.p_value(full.test.mean_p)}) and {'' if alike else direction(exact.difference) + ' '}on "
        f"{sets[1]} ({signed_size(exact)}, Holm {present.p_value(exact.test.mean_p)})"
    )
    found = Found.of(full, exact)
    missed = [(c, s) for i, (c, s) in enumerate(zip((full, exact), sets, strict=True)) if i not in found.sets]
    if not found.sets:
        reading = "significant on neither"
    elif missed:
        reading = f"significant on {sets[found.sets[0]]} only"
    else:
        reading = "significant on both" + (", in opposite directions" if found.mixed else "")
    detected = [f"{present.points(c.detectable, 2)} pp on {s}" for c, s in missed if not math.isnan(c.detectable)]
    if detected:
        reading += f" (these seeds would have detected {' and '.join(detected)} with {present.pct(POWER, 0)} power)"
    return f"{facts}: {reading}"


def robustness_overall(spreads: dict[str, tuple[Contrast, StdRatio | None]], base: str) -> str:
    """The conclusions' overall word on robustness (``spreads``: each variant's name, its contrast with the base on
    the full test set and the F interval of its standard deviation ratio): what Levene's test (Holm) finds, and
    where the F interval alone finds the spreads unequal."""
    way = lambda c, words: words[0] if c.test.std_ratio < 1 else words[1]  # noqa: E731
    tested = {n: (c, i) for n, (c, i) in spreads.items() if not math.isnan(c.test.spread_p)}
    found = [f"the {n} {way(c, ('more', 'less'))} robust" for n, (c, _) in tested.items() if c.test.spread_differs]
    text = f"Levene's test finds {' and '.join(found) or 'no variant more or less robust'} to the seed than the {base}"
    flagged = [
        f"the {n} {way(c, ('steadier', 'less steady'))}"
        for n, (c, i) in tested.items()
        if not c.test.spread_differs and i is not None and i.excludes_equal
    ]
    if flagged:
        text += (
            f"; only the F interval, before Holm's correction and counting an outlying seed fully, finds "
            f"{' and '.join(flagged)}"
        )
    untested = [f"the {n}" for n in spreads if n not in tested]
    if untested:
        text += f"; too few seeds to test {present.listing(untested)}"
    return text
