"""The evidence behind the report's claims, gathered for the chapters: the paired JPEG experiment,
BatchNorm's two modes, what the learning curves say about stopping, Holm's correction and power.

``Report.evidence`` holds one ``Evidence``; it reads the derived results (``jpeg``, ``batchnorm_modes``,
``early_stopping``), computes the statistics, and hands them to ``evidence_sentences`` and
``evidence_tables``. Accuracies are fractions throughout.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from IPython.display import Markdown
from scipy import stats as scipy_stats

from cnnlab import evidence_sentences as say
from cnnlab import evidence_tables
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10
from cnnlab.jpeg import QUALITY
from cnnlab.power import LevenePower, detectable_difference, levene_detectable_ratio, seeds_needed
from cnnlab.results import BASELINE, Results
from cnnlab.stats import Comparison, Summary, compare, holm, summarize

BATCHNORM = "tiny_vgg_bn"  # the variant whose lower accuracy Q13 explains
NEEDED_FOR = (0.005, 0.01)  # differences (fractions) for which the report says how many seeds they need


def paired(a: np.ndarray, b: np.ndarray) -> Comparison:
    """A paired t-test of a - b over the same seeds, as a ``Comparison`` (its Welch fields hold the paired test)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with warnings.catch_warnings():  # identical pairs (tiny test runs) make the test undefined: NaN, not a warning
        warnings.simplefilter("ignore")
        test = scipy_stats.ttest_rel(a, b)
        interval = test.confidence_interval()
    diff = a - b
    g = float(diff.mean() / diff.std(ddof=1)) if diff.std(ddof=1) else math.nan
    return Comparison(
        float(diff.mean()), float(interval.low), float(interval.high), float(test.statistic), float(test.pvalue),
        g, math.nan, math.nan,
    )  # fmt: skip


@dataclass
class Evidence:
    """The derived results of a report's runs and the statistics the claims rest on."""

    results: Results
    data: Cifar10
    labels: Mapping[str, str]
    exact_images: int = EXACT_TEST_IMAGES  # the test images that are the original pixels, from the first
    COLUMNS = ("test_accuracy", "test_exact_accuracy")  # the full test set, then its exact images

    @cached_property
    def jpeg(self) -> pd.DataFrame:
        from cnnlab.jpeg import jpeg_table  # imports Keras on a cold cache

        return jpeg_table(self.results.runs, self.data)

    @cached_property
    def modes(self) -> pd.DataFrame:
        from cnnlab.batchnorm_modes import modes_table

        return modes_table(self.results.runs, self.data)

    @cached_property
    def stopping(self) -> pd.DataFrame:
        from cnnlab.early_stopping import stopping_table

        return stopping_table(self.results.runs)

    @property
    def variants(self) -> list[str]:
        return [v for v in self.results.spec.variants if self.results.n(v)]

    def name(self, variant: str) -> str:
        """A variant's name as a sentence says it."""
        return say.prose_name(self.labels.get(variant, variant))

    @staticmethod
    def of(frame: pd.DataFrame, variant: str, column: str) -> np.ndarray:
        return frame.loc[frame["variant"] == variant, column].to_numpy(dtype=float)

    # Comparisons with the tiny VGG: Holm's correction and what the seeds could have detected.

    def comparable(self) -> list[str]:
        return [v for v in self.variants if v != BASELINE and min(self.results.n(v), self.results.n(BASELINE)) >= 2]

    def adjusted_p(self, variant: str, column: str = "test_accuracy") -> float:
        """Welch's p of ``variant`` against the tiny VGG after Holm's correction over all the comparisons."""
        others = self.comparable()
        p = [compare(self.results.values(v, column), self.results.values(BASELINE, column)).welch_p for v in others]
        return float(holm(p)[others.index(variant)])

    def detectable(self, variant: str, column: str = "test_accuracy") -> float:
        """The difference in means the seeds of ``variant`` and the tiny VGG detect with 80 % power."""
        a, b = self.results.values(variant, column), self.results.values(BASELINE, column)
        pooled = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
        return detectable_difference(pooled, n=min(len(a), len(b))) if pooled > 0 else math.nan

    @cached_property
    def levene_power(self) -> LevenePower | None:
        n = min((self.results.n(v) for v in self.variants), default=0)
        return levene_detectable_ratio(n) if n >= 3 else None

    def detectable_ratio(self) -> float:
        return self.levene_power.ratio if self.levene_power else math.nan

    def exact_text(self, variant: str) -> str:
        """The comparison on the exact test images and whether it agrees with the full test set."""
        full = compare(self.results.values(variant), self.results.values(BASELINE))
        exact = compare(
            self.results.values(variant, "test_exact_accuracy"), self.results.values(BASELINE, "test_exact_accuracy")
        )
        adjusted = (self.adjusted_p(variant), self.adjusted_p(variant, "test_exact_accuracy"))
        return say.exact_agreement(full, exact, EXACT_TEST_IMAGES, adjusted)

    def power_text(self) -> str:
        """Q9: what the tiny VGG's seeds resolve, and the seeds smaller differences need."""
        values = self.results.values(BASELINE)
        if len(values) < 2 or values.std(ddof=1) == 0:
            return ""
        std = float(values.std(ddof=1))
        needed = {d: seeds_needed(d, std) for d in NEEDED_FOR}
        return say.power_text(std, len(values), detectable_difference(std, len(values)), needed)

    # The paired JPEG experiment.

    def lossy_fraction(self) -> float:
        return max(0.0, 1 - EXACT_TEST_IMAGES / len(self.data.y_test))

    def jpeg_text(self) -> str:
        drops = {self.name(v): summarize(self.of(self.jpeg, v, "drop")) for v in self.variants}
        groups = [self.of(self.jpeg, v, "drop") for v in self.variants]
        with warnings.catch_warnings():  # equal drops (tiny test runs) make the test undefined: NaN, not a warning
            warnings.simplefilter("ignore")
            testable = min(map(len, groups)) >= 2 and len(groups) >= 2
            anova = scipy_stats.f_oneway(*groups).pvalue if testable else math.nan
        text = say.jpeg_text(drops, float(anova), QUALITY)
        gaps, lossy = self.gaps(), self.lossy_fraction()
        shares = {v: lossy * self.of(self.jpeg, v, "drop").mean() / gaps[v] for v in self.variants if gaps[v] > 0}
        if lossy > 0 and shares:
            text += " " + say.jpeg_share_text(shares, lossy)
        if BATCHNORM in self.variants and self.results.n(BATCHNORM) >= 2 and self.results.n(BASELINE) >= 2:
            drop = self.of(self.jpeg, BATCHNORM, "drop")
            recomputed = paired(self.of(self.jpeg, BATCHNORM, "drop_recomputed"), drop)
            against = compare(drop, self.of(self.jpeg, BASELINE, "drop"))
            text += " " + say.jpeg_batchnorm_text(self.name(BATCHNORM), self.name(BASELINE), recomputed, against)
        return text

    def gaps(self) -> dict[str, float]:
        """Each variant's mean test accuracy on the exact images minus on the full test set."""
        return {
            v: float((self.results.values(v, "test_exact_accuracy") - self.results.values(v)).mean())
            for v in self.variants
        }

    def jpeg_markdown(self) -> Markdown:
        return Markdown(evidence_tables.jpeg(self.jpeg, self.gaps(), self.lossy_fraction(), self.labels))

    # The learning curves: overfitting, early stopping, validation against the two test sets.

    def stopping_markdown(self) -> Markdown:
        return Markdown(evidence_tables.stopping(self.stopping, self.labels))

    def stopping_text(self, variant: str = BASELINE) -> str:
        histories = self.results.histories(variant)
        at_min = [int(h["val_loss"].to_numpy().argmin()) for h in histories]
        fall = np.mean([h["loss"].iloc[i] - h["loss"].iloc[-1] for h, i in zip(histories, at_min, strict=True)])
        s = self.stopping[self.stopping["variant"] == variant]
        epochs = int(s["epochs"].max())
        text = say.stopping_text(
            epochs, summarize(s["min_val_loss_epoch"]), s["val_loss_rise"].mean(), s["test_loss_rise"].mean(), fall
        )
        early = say.early_stopping_text(summarize(s["test_accuracy_at_best_val"]), summarize(s["final_test_accuracy"]))
        return f"{text} {early}"

    def offset_text(self, variant: str = BASELINE) -> str:
        validation = np.mean([h["val_accuracy"].iloc[-1] for h in self.results.histories(variant)])
        full, exact = self.results.values(variant).mean(), self.results.values(variant, "test_exact_accuracy").mean()
        return say.validation_offset(float(validation), float(full), float(exact), EXACT_TEST_IMAGES)

    def lead_text(self, variant: str = BATCHNORM) -> str:
        """How the variant's mean validation accuracy runs against the tiny VGG's, epoch by epoch."""
        mean = {v: np.mean([h["val_accuracy"] for h in self.results.histories(v)], axis=0) for v in (variant, BASELINE)}
        diff = mean[variant] - mean[BASELINE]
        behind = np.flatnonzero(diff <= 0)
        trailing = len(diff) if not len(behind) or behind[-1] < len(diff) - 1 else None
        if trailing is None:  # behind at the end: the lead ends where the final stretch behind begins
            start = len(diff) - 1
            while start > 0 and diff[start - 1] <= 0:
                start -= 1
            trailing = start
        top = int(diff[: max(trailing, 1)].argmax())
        return say.lead_text(
            self.name(variant), self.name(BASELINE), trailing, float(diff[top]), top + 1, float(diff[-1])
        )

    # BatchNorm's two modes (Q13).

    def modes_markdown(self) -> Markdown:
        return Markdown(evidence_tables.modes(self.modes, self.labels))

    def modes_text(self, variant: str = BATCHNORM, facts: bool = True) -> str:
        """Q13: the variant's accuracies in both modes against the tiny VGG (unless not ``facts``) and their reading."""
        if self.results.n(variant) < 2 or self.results.n(BASELINE) < 2:
            return ""
        m = lambda v, c: self.of(self.modes, v, c)  # noqa: E731
        stated = say.modes_text(
            self.name(variant), self.name(BASELINE),
            (m(variant, "train_inference").mean(), m(variant, "train_training").mean()),
            (m(variant, "test_inference").mean(), m(variant, "test_training").mean()),
            (m(variant, "gap_inference").mean(), m(BASELINE, "gap_inference").mean()),
        )  # fmt: skip
        mismatch = paired(m(variant, "test_training"), m(variant, "test_inference"))
        overfit = compare(m(variant, "gap_inference"), m(BASELINE, "gap_inference"))
        behind = m(variant, "test_training").mean() - m(BASELINE, "test_inference").mean()
        reading = say.batchnorm_reading(self.name(variant), self.name(BASELINE), mismatch, overfit, behind)
        return f"{stated} {reading}" if facts else reading

    # The closing chapter.

    def conclusion(self, variant: str) -> str:
        """The variant against the tiny VGG on both test sets, Holm-adjusted."""
        values = {c: (self.results.values(variant, c), self.results.values(BASELINE, c)) for c in self.COLUMNS}
        full, exact = (compare(*values[c]) for c in self.COLUMNS)
        adjusted = (self.adjusted_p(variant), self.adjusted_p(variant, "test_exact_accuracy"))
        return say.conclusion(self.name(variant), self.name(BASELINE), full, exact, adjusted)

    def parameters_markdown(self, variants: tuple[str, ...]) -> Markdown:
        """Trainable parameters per layer of the given variants, side by side."""
        from cnnlab.models import build_model, layer_table

        width = self.results.spec.config(BASELINE, 0).width
        rows = {self.labels.get(v, v): layer_table(build_model(v, width)) for v in variants}
        return Markdown(evidence_tables.parameters(rows))

    def mode_mean(self, variant: str, column: str) -> float:
        """The mean over seeds of a column of BatchNorm's modes table (e.g. ``train_inference``)."""
        return float(self.of(self.modes, variant, column).mean())

    # Robustness (Q15): the lowest seed.

    def lowest_seed(self, variant: str) -> int:
        table = self.results.table()
        rows = table[table["variant"] == variant]
        return int(rows.loc[rows["test_accuracy"].idxmin(), "seed"])

    def outlier_text(self, variant: str) -> str:
        values, seeds = self.results.values(variant), self.results.values(variant, "seed").astype(int)
        if len(values) < 3:
            return ""
        low = int(values.argmin())
        others: Summary = summarize(np.delete(values, low))
        return say.outlier_text(
            self.name(variant), int(seeds[low]), float(values[low]), others, float(values.std(ddof=1))
        )


def resnet_source_text(kernel: np.ndarray, bias: np.ndarray) -> str:
    """Q12: where the ResNet50 first-layer weights shown came from (with the file's SHA-256 when offline)."""
    import hashlib

    from cnnlab.features import conv1_source

    source = conv1_source()
    digest = hashlib.sha256(source[0].read_bytes()).hexdigest() if source else None
    return say.resnet_source(tuple(kernel.shape), tuple(bias.shape), digest)
