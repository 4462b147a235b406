"""BatchNorm's deficit against the tiny VGG taken apart on the exact test images, where compression plays no part.

Q13 splits a BatchNorm variant's deficit on the full test set (``claims.Claims.why_lower``): what batch
statistics recover, and what stays with them. Nine tenths of that set is JPEG-derived, and the variants lose
accuracy to compression unequally (Appendix A.2), so the same two comparisons are made on the exact first
images (``batchnorm_modes.exact_modes``), Holm-corrected over the BatchNorm variants like the full set's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cnnlab import present, verdicts
from cnnlab.results import column_of
from cnnlab.verdicts import Contrast, contrasts


@dataclass
class ExactDeficit:
    """The BatchNorm variants' accuracies on the exact images in both modes (``exact_modes_table``) against the
    baseline's accuracies there (``baseline``), on ``images`` exact images; ``base`` names the baseline."""

    table: pd.DataFrame
    baseline: np.ndarray
    base: str
    images: int
    trained: dict[str, Contrast]  # each variant's exact-image accuracy as trained against the baseline's (Holm)

    @cached_property
    def contrasts(self) -> tuple[dict[str, Contrast], dict[str, Contrast]]:
        """Per variant: batch against running statistics (paired), and batch statistics against the baseline."""
        variants = list(dict.fromkeys(self.table["variant"]))
        of = lambda v, c: column_of(self.table, v, c)  # noqa: E731
        mismatch = contrasts({v: (of(v, "exact_training"), of(v, "exact_inference")) for v in variants}, is_paired=True)
        behind = contrasts({v: (of(v, "exact_training"), self.baseline) for v in variants})
        return mismatch, behind

    def _split(self, variant: str) -> tuple[Contrast, Contrast] | None:
        """The variant's two contrasts, when both have two seeds or more with batch statistics scored."""
        mismatch, behind = (found.get(variant) for found in self.contrasts)
        if mismatch is None or behind is None or len(self.baseline) < 2:
            return None
        scored = self.table.loc[self.table["variant"] == variant, "exact_training"].notna().sum()
        return (mismatch, behind) if scored >= 2 else None

    def text(self, variant: str) -> str:
        """The split on the exact images, and whether a deficit beyond the running statistics stays there; empty
        where the variant has no deficit there as trained."""
        if (split := self._split(variant)) is None:
            return ""
        mismatch, behind = split
        deficit = behind.base.mean - mismatch.base.mean  # as trained: the baseline's mean minus the variant's
        if deficit <= 0:
            return ""
        recovered = (
            f"batch statistics change its accuracy by {present.pp(mismatch.difference)} pp "
            f"({verdicts.evidence(mismatch.test, 'paired t-test')})"
        )
        against = f"{present.pp(behind.difference)} pp against the {self.base}"
        stays = f"with them it is {against} ({verdicts.evidence(behind.test)})"
        costs = mismatch.significant and mismatch.difference > 0  # the running statistics cost accuracy there
        if behind.significant and behind.difference < 0:
            reading = "a deficit beyond the running statistics stays where compression plays no part"
        elif behind.significant:
            reading = f"with batch statistics it is better than the {self.base} there"
        else:
            power = verdicts.power_clause(behind.detectable)
            reading = f"with batch statistics it is not detectably below the {self.base} there" + (
                f" ({power})" if power else ""
            )
            shown = self.trained.get(variant)
            if shown is not None and not shown.significant:
                reading += (
                    f"; but its deficit as trained is not significant there either (Holm "
                    f"{present.p_value(shown.test.mean_p)}), so these images cannot apportion it"
                )
            elif costs:
                reading += (
                    ", so where compression plays no part the running statistics may account for the whole deficit"
                )
        return (
            f"On the exact {present.count(self.images)} images its deficit as trained is "
            f"{present.points(deficit, 2)} pp: {recovered}, and {stays}: {reading}."
        )

    def brief(self, variant: str) -> str:
        """The conclusions' sentence: what stays with batch statistics on the exact images."""
        if (split := self._split(variant)) is None:
            return ""
        behind = split[1]
        stays = f"{present.pp(behind.difference)} pp {present.ci(behind.test)} against the {self.base}"
        found = "significant after Holm" if behind.significant else "not significant"
        return f"On the exact {present.count(self.images)} images, with batch statistics it is {stays}, {found}."
