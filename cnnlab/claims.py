"""The claims of Q13-Q15 and of the conclusions: each variant against the tiny VGG, one family per measure.

A family asks one question of several variants, e.g. "is its mean test accuracy on the full test set different
from the tiny VGG's?" for each of the three variants; Holm's method corrects the p-values within it
(``stats.family``). The families: test accuracy on each test set (Welch's, Mann-Whitney's and Levene's tests),
the fit measures of BatchNorm's modes table (training accuracy and train - validation gap, both in inference
mode), and the accuracies with BatchNorm's statistics recomputed (the variants with BatchNorm only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cnnlab import evidence_sentences as say
from cnnlab import jpeg_sentences, present, sentences, verdict_briefs, verdicts
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10
from cnnlab.evidence import Evidence
from cnnlab.results import BASELINE, Results
from cnnlab.stats import Comparison, StdRatio, holm, paired_spread_p, std_ratio, summarize
from cnnlab.verdicts import Contrast, Found, contrasts

TEST_SETS = {"full": "test_accuracy", "exact": "test_exact_accuracy"}  # the full test set, then its exact images
SET_NAMES = ("on the full test set", "on the exact images")  # in the order of TEST_SETS
RECOMPUTED = {"full": "accuracy", "exact": "exact_accuracy"}  # the same, with BatchNorm's statistics recomputed
FIT = {"train": "train_inference", "gap": "gap_inference"}  # BatchNorm's modes table, inference mode


@dataclass
class Claims:
    """Every variant against the tiny VGG, measure by measure, and the sentences that state the verdicts."""

    results: Results
    evidence: Evidence
    data: Cifar10

    @property
    def others(self) -> list[str]:
        """The variants compared with the tiny VGG (two seeds or more on each side)."""
        return self.evidence.comparable()

    def name(self, variant: str) -> str:
        return self.evidence.name(variant)

    @property
    def base(self) -> str:
        return self.name(BASELINE)

    @property
    def batchnorm_variants(self) -> list[str]:
        """The compared variants with a BatchNormalization layer (BatchNorm's modes table says which)."""
        modes = self.evidence.modes
        return [v for v in self.others if bool(modes.loc[modes["variant"] == v, "batchnorm"].all())]

    @cached_property
    def recalibrated(self) -> pd.DataFrame:
        """Test accuracies with BatchNorm's statistics recomputed (full set and exact images), cached per run."""
        from cnnlab.recalibration import recalibrated_table

        return recalibrated_table({v: self.results.runs[v] for v in self.batchnorm_variants}, self.data)

    def recomputed_values(self, variant: str, test_set: str = "full") -> np.ndarray:
        return Evidence.of(self.recalibrated, variant, RECOMPUTED[test_set])

    @cached_property
    def accuracy(self) -> dict[str, dict[str, Contrast]]:
        """Test set ("full", "exact") -> variant -> its test accuracy against the tiny VGG's, as trained."""
        values = self.results.values
        return {
            s: contrasts({v: (values(v, column), values(BASELINE, column)) for v in self.others})
            for s, column in TEST_SETS.items()
        }

    @cached_property
    def recomputed(self) -> dict[str, dict[str, Contrast]]:
        """Test set -> variant with BatchNorm -> its accuracy with recomputed statistics against the tiny VGG's."""
        values = self.results.values
        return {
            s: contrasts({v: (self.recomputed_values(v, s), values(BASELINE, column)) for v in self.batchnorm_variants})
            for s, column in TEST_SETS.items()
        }

    @cached_property
    def fit(self) -> dict[str, dict[str, Contrast]]:
        """Measure ("train", "gap") -> variant -> its inference-mode fit against the tiny VGG's."""
        of, modes = Evidence.of, self.evidence.modes
        return {
            m: contrasts({v: (of(modes, v, column), of(modes, BASELINE, column)) for v in self.others})
            for m, column in FIT.items()
        }

    def verdict(self, variant: str) -> str:
        """Q13-Q15: the mean test accuracy on both test sets, the rank test, and the spread over seeds."""
        if variant not in self.others:
            n, n_base = self.results.n(variant), self.results.n(BASELINE)
            return sentences.not_comparable(self.name(variant), self.base, n, n_base)
        full, exact = (self.accuracy[s][variant] for s in TEST_SETS)
        return " ".join(
            (
                verdicts.accuracy_verdict(self.name(variant), self.base, full, exact, EXACT_TEST_IMAGES),
                verdicts.ranks_sentence(full.test, exact.test, EXACT_TEST_IMAGES),
                verdicts.spread_sentence(full.test, self.spread_ratio(variant)),
            )
        )

    def spread_ratio(self, variant: str) -> StdRatio | None:
        """The variant's standard deviation over the tiny VGG's on the full test set, with its F interval."""
        a, b = self.results.values(variant), self.results.values(BASELINE)
        return std_ratio(a, b) if min(len(a), len(b)) >= 3 and a.std() > 0 and b.std() > 0 else None

    def fit_text(self, variant: str) -> str:
        """How closely the variant fits its training images, and its generalisation gap, against the tiny VGG."""
        if variant not in self.others:
            return ""
        return verdicts.fit_text(self.base, self.fit["train"][variant], self.fit["gap"][variant])

    def recalibration_text(self, variant: str) -> str:
        """What recomputing BatchNorm's statistics does to a variant's seeds, and the verdict against the tiny VGG."""
        from cnnlab.batchnorm import RECALIBRATION_IMAGES

        if variant not in self.batchnorm_variants:
            return ""
        stored = {s: self.results.values(variant, c) for s, c in TEST_SETS.items()}
        fixed = {s: self.recomputed_values(variant, s) for s in TEST_SETS}
        moved = int(np.argmax(np.abs(fixed["full"] - stored["full"])))
        seed = self.results.runs[variant][moved].config.seed
        text = verdicts.recalibration_text(
            RECALIBRATION_IMAGES,
            tuple(summarize(stored[s]) for s in TEST_SETS),
            tuple(summarize(fixed[s]) for s in TEST_SETS),
            EXACT_TEST_IMAGES,
            variant == self.batchnorm_variants[0],
        )
        spread = self.spread_change(variant)
        full, exact = (self.recomputed[s][variant] for s in TEST_SETS)
        against = verdicts.accuracy_verdict(
            self.name(variant),
            self.base,
            full,
            exact,
            EXACT_TEST_IMAGES,
            "with its statistics recomputed, ",
            "would be",
        )
        # the protocol does not recompute them: said once, for the first variant with BatchNorm
        keep = (
            " Recomputing the statistics is a step the assignment's protocol does not take, so the tables keep the "
            "numbers as trained."
            if variant == self.batchnorm_variants[0]
            else ""
        )
        moved_text = verdicts.moved_text(seed, (stored["full"][moved], fixed["full"][moved]))
        return f"{text} {moved_text} {spread} {against}{keep}"

    def spread_change(self, variant: str) -> str:
        """What recomputing the variant's BatchNorm statistics does to its spread over seeds (full test set)."""
        before, after = (x.std(ddof=1) for x in (self.results.values(variant), self.recomputed_values(variant, "full")))
        return verdicts.spread_change(float(before), float(after), *self.spread_tests[variant])

    @cached_property
    def spread_tests(self) -> dict[str, tuple[float, float]]:
        """Pitman-Morgan's p of each BatchNorm variant (spread as trained against recomputed) and its Holm p over
        the variants (NaN for a single variant)."""
        p = [
            paired_spread_p(self.results.values(v, "test_accuracy"), self.recomputed_values(v, "full"))
            for v in self.batchnorm_variants
        ]
        corrected = holm(p) if len(p) > 1 else [math.nan] * len(p)
        return {v: (raw, float(h)) for v, raw, h in zip(self.batchnorm_variants, p, corrected, strict=True)}

    def why_lower(self, variant: str) -> str:
        """Q13: the variant's accuracies with running and with batch statistics, and which explanation they support."""
        if variant not in self.batchnorm_variants:
            return ""
        m = lambda v, c: Evidence.of(self.evidence.modes, v, c)  # noqa: E731
        s = lambda c: summarize(m(variant, c))  # noqa: E731
        train, test = ((s(f"{p}_inference"), s(f"{p}_training")) for p in ("train", "test"))
        stated = say.modes_text(self.name(variant), train, test)
        mismatch, behind, batch_gap = (found[variant] for found in self._batch_statistics)
        reading = say.batchnorm_reading(self.base, mismatch, self.fit["gap"][variant], behind, batch_gap)
        return f"{stated} {reading}"

    def deficit_split(self, variant: str) -> str:
        """The conclusions' split of a BatchNorm variant's deficit as trained (empty where there is none to split)."""
        if variant not in self.batchnorm_variants:
            return ""
        mismatch, behind, _ = (found[variant] for found in self._batch_statistics)
        return say.deficit_split(mismatch, behind).strip()

    @cached_property
    def _batch_statistics(self) -> tuple[dict[str, Contrast], dict[str, Contrast], dict[str, Contrast]]:
        """Per BatchNorm variant: test accuracy with batch against running statistics (paired), with batch
        statistics against the baseline, and the training - validation gap with batch statistics against the
        baseline's; each asked of every such variant, so Holm-corrected like the others."""
        m = lambda v, c: Evidence.of(self.evidence.modes, v, c)  # noqa: E731
        mismatch = contrasts(
            {v: (m(v, "test_training"), m(v, "test_inference")) for v in self.batchnorm_variants}, is_paired=True
        )
        behind = contrasts({v: (m(v, "test_training"), m(BASELINE, "test_inference")) for v in self.batchnorm_variants})
        gap = contrasts({v: (m(v, "gap_training"), m(BASELINE, "gap_inference")) for v in self.batchnorm_variants})
        return mismatch, behind, gap

    def comparison_rows(self) -> list[tuple[str, str, str, Comparison | None]]:
        """Rows of the all-variants comparison table: each variant on each test set, with its family's Holm p."""
        rows = []
        for test_set, images in (("full", "full"), ("exact", "exact")):
            for v in (v for v in self.results.spec.variants if v != BASELINE):
                c = self.accuracy[test_set][v].test if v in self.others else None
                rows.append(
                    (self.evidence.labels.get(v, v), images, f"{self.results.n(v)} vs {self.results.n(BASELINE)}", c)
                )
        return rows

    def overall_text(self) -> str:
        """The conclusions' synthesis: which variants beat, trail or match the tiny VGG as trained, and after
        recomputing BatchNorm's statistics, each with the test sets where it stays significant after Holm."""
        text = f"As trained under the assignment's protocol, {self._sorted_out(self.accuracy, self.others, '')}"
        alike = [v for v in self.others if not _found(self.accuracy, v).sets]
        if alike:
            text += f"; the {' and the '.join(self.name(v) for v in alike)} cannot be told from it"
        if self.batchnorm_variants:
            recomputed = self._sorted_out(self.recomputed, self.batchnorm_variants, "would ")
            text += f". With BatchNorm's statistics recomputed, {recomputed}"
        if not any(_found(self.accuracy, v).better for v in self.others):
            later = [self.name(v) for v in self.batchnorm_variants if _found(self.recomputed, v).better]
            text += ". So no change is shown to improve on the tiny VGG under the assignment's protocol"
            if later:
                text += f"; the {' and the '.join(later)} would, but only after a step the protocol does not take"
        text += self._compression_caveat()
        spreads = {self.name(v): (self.accuracy["full"][v], self.spread_ratio(v)) for v in self.others}
        text += f". {verdict_briefs.robustness_overall(spreads, self.base)}"
        counts = {self.results.n(v) for v in [BASELINE, *self.others]}
        seeds = f"{min(counts)} seeds" if len(counts) == 1 else f"{min(counts)} to {max(counts)} seeds"
        unseen = "effects smaller than the detectable differences given with the verdicts above may go unseen"
        return f"{text}. With {seeds} per variant, {unseen}."

    def _compression_caveat(self) -> str:
        """ ". The full test set is 90 % JPEG-derived ...": for the variants whose verdict as trained holds on the
        full test set only, with what compression costs each against the tiny VGG where Appendix A.2 tests it."""
        only = [v for v in self.others if _found(self.accuracy, v).sets == (0,)]
        lossy = self.evidence.lossy_fraction()
        if not only or not lossy:
            return ""
        said = []
        for v in only:
            text = f"the {self.name(v)}'s verdict rests on it alone"
            if v in self.evidence.jpeg_drops:
                deficit = self.accuracy["full"][v].difference
                text += jpeg_sentences.drop_caveat(self.base, self.evidence.jpeg_drops[v][0], lossy, deficit)
            said.append(text)
        return f". The full test set is {present.pct(lossy, 0)} JPEG-derived copies (@sec-jpeg): {'; '.join(said)}"

    def _sorted_out(self, found: dict[str, dict[str, Contrast]], variants: list[str], would: str) -> str:
        """ "the X (on both test sets) is better than the tiny VGG; no variant is worse", with ``would`` ("would "
        or "") before the verb."""
        said = []
        for way, word in (("better", f"better than the {self.base}"), ("worse", "worse")):  # the base named once
            named = []
            for v in variants:
                sets = getattr(_found(found, v), way)
                if sets:
                    where = "on both test sets" if len(sets) == 2 else SET_NAMES[sets[0]]
                    named.append(f"the {self.name(v)} ({where})")
            verb = f"{would}be" if would else ("are" if len(named) > 1 else "is")
            shown = "" if named else " shown to be"  # no significant difference shows no difference
            said.append(f"{' and '.join(named) or 'no variant'} {verb}{shown} {word}")
        return "; ".join(said)


def _found(found: dict[str, dict[str, Contrast]], variant: str) -> Found:
    """Where ``variant`` differs significantly from the tiny VGG, from its contrasts keyed by test set."""
    return Found.of(*(found[s][variant] for s in TEST_SETS))
