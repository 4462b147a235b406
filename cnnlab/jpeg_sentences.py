"""Sentences of the JPEG experiment (Appendix A.2): what compression costs each variant, how much of the gap to
the exact images it explains, and whether BatchNorm's statistics make +BatchNorm pay more.

Pure functions of numbers already computed (fractions for accuracies) and display names, as in
``evidence_sentences``.
"""

from __future__ import annotations

from cnnlab import present, verdicts
from cnnlab.power import POWER
from cnnlab.stats import ALPHA, Summary
from cnnlab.verdicts import Contrast


def jpeg_text(drops: dict[str, Summary], anova_p: float, quality: int, detectable: float) -> str:
    """The paired JPEG experiment: each variant's drop and whether the variants differ in it.

    ``detectable`` is the standard deviation of the variants' mean drops the ANOVA finds with 80 % power.
    """
    low, high = min(drops, key=lambda v: drops[v].mean), max(drops, key=lambda v: drops[v].mean)
    facts = (
        f"JPEG compression at quality {quality} costs every variant accuracy on the same images: on average from "
        f"{present.points(drops[low].mean, 2)} pp (the {low}) to {present.points(drops[high].mean, 2)} pp "
        f"(the {high})"
    )
    if anova_p < ALPHA:
        return f"{facts}, and the variants differ in this drop (one-way ANOVA over seeds, {present.p_value(anova_p)})."
    power = (
        f"; these seeds would have detected variants whose mean drops differ with a standard deviation of "
        f"{present.points(detectable, 2)} pp with {present.pct(POWER, 0)} power"
        if detectable == detectable
        else ""
    )
    return (
        f"{facts}; the variants do not differ detectably in it (one-way ANOVA over seeds, "
        f"{present.p_value(anova_p)}{power})."
    )


def jpeg_share_text(shares: dict[str, float], lossy_fraction: float) -> str:
    """How much of each variant's exact-minus-full gap the JPEG drop accounts for."""
    low, high = min(shares.values()), max(shares.values())
    return (
        f"Since {present.pct(lossy_fraction, 0)} of the full test set is JPEG-derived, the drop predicts a gap of "
        f"that fraction of it between the exact images and the full set: it accounts for "
        f"{present.pct(low, 0)} to {present.pct(high, 0)} of the gap observed per variant; the rest is the "
        "difference between the two groups of test images and sampling noise."
    )


def jpeg_batchnorm_text(base: str, rows: dict[str, tuple[Contrast, Contrast]]) -> str:
    """Whether BatchNorm's running statistics explain what compression costs the variants that have them.

    ``rows`` maps each such variant's name to (its drop against the base's drop; its drop with statistics
    recomputed on the scored images against its drop as trained, paired), each Holm-corrected over the variants.
    """
    hypothesis = (
        "If compression shifted the statistics that BatchNorm's running averages hold, the variants with "
        f"BatchNorm would lose more to it than the {base}, and recomputing the averages on the images being scored "
        "would give part of the loss back."
    )
    facts = "; ".join(
        f"the {name}'s drop is {'larger' if against.difference > 0 else 'smaller'} "
        f"than the {base}'s by {present.points(abs(against.difference), 2)} pp ({verdicts.p_values(against.test)}) "
        f"and recomputing changes it by {present.pp(recomputed.difference)} pp "
        f"({verdicts.p_values(recomputed.test, 'paired t-test')})"
        for name, (against, recomputed) in rows.items()
    )
    larger = [n for n, (a, _) in rows.items() if a.significant and a.difference > 0]
    recovered = [n for n, (_, r) in rows.items() if r.significant and r.difference < 0]
    both = [n for n in larger if n in recovered]
    if both:
        reading = (
            f"For the {' and the '.join(both)} both happen: its larger drop comes partly from its running statistics."
        )
    elif recovered:
        reading = (
            f"Recomputing gives part of the drop back for the {' and the '.join(recovered)}, but its drop is not "
            f"shown to be larger than the {base}'s: the running statistics explain part of what compression costs "
            f"it, not a difference from the {base}."
        )
    else:
        drop = max(a.detectable for a, _ in rows.values())
        back = max(r.detectable for _, r in rows.values())
        reading = (
            "Neither happens detectably, so these runs do not show BatchNorm's running statistics to explain any "
            f"part of what compression costs (a drop {present.points(drop, 2)} pp larger than the {base}'s, or "
            f"a change of {present.points(back, 2)} pp from recomputing, would have been detected with "
            f"{present.pct(POWER, 0)} power)."
        )
    return f"{hypothesis} {facts[0].upper()}{facts[1:]}. {reading}"


def drop_caveat(base: str, drop: Contrast, lossy: float, difference: float) -> str:
    """What compression costs a variant whose verdict rests on the mostly compressed full test set, against the
    base (``drop``: the difference of their JPEG drops, paired over seeds), and how much of its full-set
    difference from the base (``difference``) that could account for at the ``lossy`` share of compressed images."""
    holm_p = f"Holm {present.p_value(drop.test.mean_p)}"
    if drop.significant:
        more = "more" if drop.difference > 0 else "less"
        size = f"{present.points(abs(drop.difference), 2)} pp {present.ci(present.size_interval(drop.test))}"
        text = f", and compression costs it {size} {more} than the {base} ({holm_p})"
    else:
        text = (
            f", and compression does not detectably cost it more or less than the {base} "
            f"({present.pp(drop.difference)} pp {present.ci(drop.test)}, {holm_p})"
        )
    if difference < 0 and drop.test.ci_high > 0:  # a deficit that a larger drop could have made, in part
        share = min(lossy * drop.test.ci_high, -difference)
        text += (
            f"; with {present.pct(lossy, 0)} of the full test set compressed, that interval lets compression account "
            f"for up to {present.points(share, 2)} pp of its {present.points(-difference, 2)} pp deficit there"
        )
    return text


def settings_text(check: dict, made: str) -> str:
    """How the lossy images' JPEG settings were established (``jpeg.roundtrip_check``; ``made`` names the settings
    that made them, as its keys do): JPEG applied again with the settings that made an image nearly reproduces
    it, so those settings change the images least."""
    moved, named = check["lossy_reencoding_error"], lambda s: f"quality {s.split()[0][1:]}, {s.split()[1]}"
    others = [f"{present.num(moved[s], 2)} at {named(s)}" for s in moved if s != made]
    if made not in moved or not others:
        raise ValueError(f"the check must hold {made} and at least one other setting, got {list(moved)}")
    least = all(moved[made] < moved[s] for s in moved if s != made)
    reading = "of the settings tried, these change them least" if least else "these settings are not confirmed"
    unchanged = present.pct(check["lossy_unchanged_fraction"], 0)
    return (
        f"Encoding an image again with the JPEG settings that made it nearly reproduces it: re-encoded at "
        f"{named(made)}, the JPEG-derived test images change by {present.num(moved[made], 2)} of 255 per pixel on "
        f"average ({unchanged} of them not at all), against {present.listing(others)}: {reading}."
    )
