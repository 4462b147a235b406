"""Per-class test accuracy of each variant against the tiny VGG (Q13-Q15's section on errors).

For each variant, the ten classes make one family: Welch's test per class over seeds, Holm-corrected over
the ten, so that "the variant loses on cats" is claimed only when it survives the correction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from IPython.display import Markdown
from scipy.stats import chi2

from cnnlab import present
from cnnlab.data import CLASS_NAMES
from cnnlab.power import detectable_between
from cnnlab.stats import ALPHA, Comparison, family

MIN_SEEDS = 2  # per variant, for a class's test


def contrasts(per_class: Mapping[str, np.ndarray], base: str) -> dict[str, dict[str, Comparison]]:
    """Each variant's per-class accuracy against ``base``'s (seeds × classes arrays), Holm over the classes."""
    if base not in per_class or len(per_class[base]) < MIN_SEEDS:
        return {}
    b = per_class[base]
    return {
        variant: family({name: (a[:, k], b[:, k]) for k, name in enumerate(CLASS_NAMES)})
        for variant, a in per_class.items()
        if variant != base and len(a) >= MIN_SEEDS
    }


def table(per_class: Mapping[str, np.ndarray], base: str, labels: Mapping[str, str]) -> Markdown:
    """Markdown: per class, the base's accuracy (mean ± std) and each variant's difference from it (pp),
    in bold where it survives Holm's correction over the ten classes; a last row counts the bold cells."""
    found = contrasts(per_class, base)
    rows = {"class": list(CLASS_NAMES)}
    rows[f"{labels.get(base, base)} (%)"] = [
        f"{present.num(100 * m, 1)} ± {present.num(100 * s, 1)}"
        for m, s in zip(per_class[base].mean(axis=0), per_class[base].std(axis=0, ddof=1), strict=True)
    ]
    rows["class"].append("*classes in bold*")  # a reader must not have to search the columns for bold
    rows[f"{labels.get(base, base)} (%)"].append("")
    for variant, by_class in found.items():
        cells = [f"**{present.pp(c.difference, 1)}**" if c.mean_p < ALPHA else present.pp(c.difference, 1)
                 for c in by_class.values()]  # fmt: skip
        rows[f"{labels.get(variant, variant)} (pp)"] = [*cells, f"*{sum('**' in c for c in cells)} of {len(cells)}*"]
    return Markdown(present.markdown_table(pd.DataFrame(rows)))


def spread_text(per_class: Mapping[str, np.ndarray], base: str, overall_std: float, balanced: bool = True) -> str:
    """How much a class's accuracy varies over the base's seeds, against the overall accuracy's spread, and (on a
    ``balanced`` test set, whose overall accuracy is the classes' mean) whether the seeds trade between classes."""
    stds = per_class[base].std(axis=0, ddof=1)
    low, high = CLASS_NAMES[int(stds.argmin())], CLASS_NAMES[int(stds.argmax())]
    facts = (
        f"its standard deviation over seeds is {present.points(stds.min(), 1)} pp ({low}) to "
        f"{present.points(stds.max(), 1)} pp ({high}), against {present.points(overall_std, 2)} pp for the overall "
        "accuracy"
    )
    if stds.min() > 2 * overall_std:
        text = (
            f"A single class's accuracy varies far more over the seeds than the overall accuracy does: {facts}, so "
            "only large per-class changes can be detected."
        )
    else:
        text = f"Per class, {facts}."
    return f"{text}{_trade_text(per_class[base], overall_std) if balanced else ''}"


def _trade_text(accuracy: np.ndarray, overall_std: float) -> str:
    """Whether the seeds trade accuracy between classes (``accuracy``: seeds × classes, on a test set with as many
    images of each class, whose overall accuracy is their mean): the spread independent classes would give the
    mean, against the overall's, and the classes' average correlation over seeds."""
    seeds, k = accuracy.shape
    if seeds < 3 or not np.all(accuracy.std(axis=0) > 0):
        return ""
    independent = float(np.sqrt((accuracy.var(axis=0, ddof=1)).sum()) / k)
    # below what independent classes give with probability ALPHA over so many seeds (chi-square, one-sided)
    if overall_std >= independent * math.sqrt(chi2.ppf(ALPHA, seeds - 1) / (seeds - 1)):
        return ""
    r = float(np.corrcoef(accuracy.T)[~np.eye(k, dtype=bool)].mean())
    return (
        f" Were the classes to vary independently over seeds, their mean (the overall accuracy, as the test set "
        f"holds as many images of each class) would vary by about {present.points(independent, 2)} pp; it varies "
        f"by {present.points(overall_std, 2)} pp, because the classes move against each other: their average "
        f"correlation over seeds is {present.num(r, 3)}, where independent classes give 0. A seed trades accuracy "
        "between classes more than it gains or loses overall."
    )


def text(per_class: Mapping[str, np.ndarray], base: str, labels: Mapping[str, str]) -> str:
    """For each variant: how many classes differ from the base after Holm's correction, and the largest change
    with what its seeds could have detected."""
    base_name, sentences = labels.get(base, base), []
    for variant, by_class in contrasts(per_class, base).items():
        significant = [k for k, c in by_class.items() if c.mean_p < ALPHA]
        largest, c = max(by_class.items(), key=lambda item: abs(item[1].difference))
        k = CLASS_NAMES.index(largest)
        detectable = detectable_between(per_class[variant][:, k], per_class[base][:, k])
        change = (
            f"its largest change is on {largest} ({present.pp(c.difference)} pp, {present.INTERVAL} "
            f"{present.ci(c)}; Holm p over the ten classes {present.p_value(c.mean_p).removeprefix('p ')}; "
            f"these seeds would have detected {present.points(detectable, 1)} pp on that class before the "
            "correction)"
        )
        if significant:
            listed = ", ".join(f"{name} ({present.pp(by_class[name].difference, 1)} pp)" for name in significant)
            counted = present.count_of(len(significant), "class differs", "classes differ")
            found = f"{counted} from the {base_name} after Holm's correction: {listed}"
        else:
            found = f"no class differs detectably from the {base_name} after Holm's correction"
        sentences.append(f"For the {labels.get(variant, variant)}, {found}; {change}.")
    return " ".join(sentences)
