"""Section 5.4's synthesis: each variant's size against its verdict as trained, and which model the runs favour.

Pure sentences from numbers already computed: trainable parameters, and each variant's contrasts with the tiny
VGG on both test sets (``verdicts.Contrast``, Holm-corrected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnnlab import present
from cnnlab.power import POWER
from cnnlab.verdicts import Contrast, Found


@dataclass(frozen=True)
class Sized:
    """A variant's display name, trainable parameters and contrasts with the baseline (full, exact test set)."""

    name: str
    parameters: int
    full: Contrast
    exact: Contrast

    @property
    def found(self) -> Found:
        return Found.of(self.full, self.exact)

    @property
    def worse(self) -> bool:
        """Significantly worse on a test set, and better on neither."""
        return bool(self.found.worse) and not self.found.better

    @property
    def better(self) -> bool:
        """Significantly better on a test set, and worse on neither."""
        return bool(self.found.better) and not self.found.worse


def _size(v: Sized, base_parameters: int) -> str:
    """ "32 % fewer (6,440)", against the base's count."""
    if v.parameters == base_parameters:
        return f"as many ({present.count(v.parameters)})"
    change = v.parameters / base_parameters - 1
    more = "more" if change > 0 else "fewer"
    return f"{present.pct(abs(change), 0 if abs(change) >= 0.01 else 1)} {more} ({present.count(v.parameters)})"


def _verdict(v: Sized, base: str) -> str:
    """The variant's verdict as trained against the base, over both test sets."""
    if v.found.mixed:
        return "is better on one test set and worse on the other"
    if v.found.sets:
        only = ("on the full test set only", "on the exact images only")
        where = "on both test sets" if len(v.found.sets) == 2 else only[v.found.sets[0]]
        return f"is worse {where}" if v.worse else f"is better than the {base} {where}"
    if math.isnan(v.full.detectable):
        return f"cannot be told from the {base}"
    return (
        f"cannot be told from the {base} (a difference of {present.points(v.full.detectable, 2)} pp on the full "
        "test set would have been detected)"
    )


def synthesis_text(base: str, base_parameters: int, variants: list[Sized]) -> str:
    """Each variant's size against the base's and its verdict as trained; then the model the runs favour: a
    better one if any, else the smallest not shown to be worse, with what its seeds could have missed."""
    if not variants:
        return ""
    said = "; ".join(f"the {v.name} has {_size(v, base_parameters)} and {_verdict(v, base)}" for v in variants)
    facts = (
        f"Set against their sizes, as trained (the {base} has {present.count(base_parameters)} trainable "
        f"parameters): {said}."
    )
    better = [v for v in variants if v.better]
    if better:
        names = " and the ".join(v.name for v in better)
        return f"{facts} Under the assignment's protocol the runs favour the {names} over the {base}."
    smaller = [v for v in variants if not v.found.worse and v.parameters < base_parameters]
    if not smaller:
        return f"{facts} Under the assignment's protocol no variant is shown to improve on the {base}."
    pick = min(smaller, key=lambda v: v.parameters)
    missed = ""
    if not math.isnan(pick.full.detectable):
        loss = present.points(pick.full.detectable, 2)
        missed = (
            f"; not being shown worse is not being shown equal: its seeds would catch a loss of {loss} pp only "
            f"{present.pct(POWER, 0)} of the time (less after Holm's correction), and smaller losses less often"
        )
    return (
        f"{facts} Under the assignment's protocol no variant is shown to improve on the {base}, and the smallest "
        "model not "
        f"shown to be worse than it is the {pick.name}, with {present.count(pick.parameters)} trainable "
        f"parameters{missed}."
    )
