"""The evidence behind the report's claims, gathered for the chapters: the paired JPEG experiment,
BatchNorm's two modes, what the learning curves say about stopping and fit, and power.

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
from cnnlab import evidence_tables, jpeg_sentences, sentences
from cnnlab import robustness_sentences as robustness
from cnnlab.curves import ZOOM_FROM
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10
from cnnlab.jpeg import QUALITY
from cnnlab.power import (
    LevenePower,
    anova_detectable_spread,
    detectable_difference,
    levene_detectable_ratio,
    seeds_needed,
)
from cnnlab.results import BASELINE, Results, column_of
from cnnlab.stats import family, summarize
from cnnlab.training_reading import Training
from cnnlab.verdicts import Contrast, contrasts

BATCHNORM = "tiny_vgg_bn"  # the variant whose lower accuracy Q13 explains
NEEDED_FOR = (0.005, 0.0075, 0.01)  # differences (fractions) below the detectable one: the seeds they need


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
        return column_of(frame, variant, column)

    # Comparisons with the tiny VGG: Holm's correction and what the seeds could have detected.

    def comparable(self) -> list[str]:
        return [v for v in self.variants if v != BASELINE and min(self.results.n(v), self.results.n(BASELINE)) >= 2]

    @cached_property
    def levene_power(self) -> LevenePower | None:
        n = min((self.results.n(v) for v in self.variants), default=0)
        return levene_detectable_ratio(n) if n >= 3 else None

    def detectable_ratio(self) -> float:
        return self.levene_power.ratio if self.levene_power else math.nan

    def power_text(self) -> str:
        """Q9: what the tiny VGG's seeds resolve, and the seeds smaller differences need."""
        values = self.results.values(BASELINE)
        if len(values) < 2 or values.std(ddof=1) == 0:
            return ""
        std = float(values.std(ddof=1))
        needed = {d: seeds_needed(d, std) for d in NEEDED_FOR}
        sampling = (float(values.mean()), int(self.data.x_test.shape[0]))
        return say.power_text(std, len(values), detectable_difference(std, len(values)), needed, sampling)

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
            within = math.sqrt(np.mean([g.var(ddof=1) for g in groups])) if testable else 0.0
        detectable = anova_detectable_spread(len(groups), min(map(len, groups), default=0), within)
        text = jpeg_sentences.jpeg_text(drops, float(anova), QUALITY, detectable)
        gaps, lossy = self.gaps(), self.lossy_fraction()
        shares = {v: lossy * self.of(self.jpeg, v, "drop").mean() / gaps[v] for v in self.variants if gaps[v] > 0}
        if lossy > 0 and shares:
            text += " " + jpeg_sentences.jpeg_share_text(shares, lossy)
        return f"{text} {self.jpeg_batchnorm_text()}".strip()

    @cached_property
    def jpeg_drops(self) -> dict[str, tuple[Contrast, Contrast]]:
        """Per compared variant with BatchNorm: its drop under JPEG compression against the tiny VGG's, and its
        drop with the statistics recomputed against as trained (paired); each Holm-corrected over those variants."""
        batchnorm = [
            v for v in self.comparable() if self.jpeg.loc[self.jpeg["variant"] == v, "drop_recomputed"].notna().all()
        ]
        drop = lambda v, c="drop": self.of(self.jpeg, v, c)  # noqa: E731
        against = contrasts({v: (drop(v), drop(BASELINE)) for v in batchnorm})
        recomputed = contrasts({v: (drop(v, "drop_recomputed"), drop(v)) for v in batchnorm}, is_paired=True)
        return {v: (against[v], recomputed[v]) for v in batchnorm}

    def jpeg_batchnorm_text(self) -> str:
        """Whether BatchNorm's running statistics explain the drop of the variants that have them."""
        if not self.jpeg_drops:
            return ""
        rows = {self.name(v): found for v, found in self.jpeg_drops.items()}
        return jpeg_sentences.jpeg_batchnorm_text(self.name(BASELINE), rows)

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

    @cached_property
    def training(self) -> Training:
        """The tiny VGG's training, read once for Section 3's sentences and the conclusions."""
        return Training.of(self.stopping, self.modes, self.results)

    def stopping_text(self) -> str:
        t = self.training
        text = say.stopping_text(t.epochs, t.min_epoch, t.rises, t.fall, t.rising)
        return f"{text} {say.early_stopping_text(t.at_best, t.final, t.early)}"

    def offset_text(self) -> str:
        return say.validation_offset(self.training.offsets)

    def sampling_text(self) -> str:
        """What the seeds' intervals leave out: the test images' own sampling error, at the baseline's accuracy."""
        means = [float(self.results.values(BASELINE, m).mean()) for m in ("test_accuracy", "test_exact_accuracy")]
        return say.sampling_text((means[0], int(self.data.x_test.shape[0])), (means[1], self.exact_images))

    def lead_text(self, variant: str = BATCHNORM) -> str:
        """How the variant's mean validation accuracy runs against the tiny VGG's, epoch by epoch."""
        curves = {v: np.array([h["val_accuracy"] for h in self.results.histories(v)]) for v in (variant, BASELINE)}
        diff = curves[variant].mean(axis=0) - curves[BASELINE].mean(axis=0)
        behind = np.flatnonzero(diff <= 0)
        end = len(diff) if not len(behind) or behind[-1] < len(diff) - 1 else None
        if end is None:  # behind at the end: the lead ends where the final stretch behind begins
            end = len(diff) - 1
            while end > 0 and diff[end - 1] <= 0:
                end -= 1
        ahead, names = np.flatnonzero(diff[:end] > 0), (self.name(variant), self.name(BASELINE))
        early = min(ZOOM_FROM, len(diff))  # the stretch before the curve figures' close-ups, fixed for every variant
        tested = say.early_lead(
            *names, family({e + 1: (curves[variant][:, e], curves[BASELINE][:, e]) for e in range(early)})
        )
        if not len(ahead):
            return f"{say.lead_text(*names, (0, 0, 0), (0, *[summarize([0])] * 2), 0.0)} {tested}"
        first, top = int(ahead[0]), int(ahead[int(diff[ahead].argmax())])
        at_top = (top + 1, summarize(curves[variant][:, top]), summarize(curves[BASELINE][:, top]))
        return f"{say.lead_text(*names, (first + 1, end, len(ahead)), at_top, float(diff[-1]))} {tested}"

    def gap_measures_text(self, variant: str = BASELINE) -> str:
        """Q8: the training history's train - validation gap at the last epoch, against the final weights'."""
        histories = self.results.histories(variant)
        train, val = (np.array([h[c].iloc[-1] for h in histories]) for c in ("accuracy", "val_accuracy"))
        m = lambda c: summarize(self.of(self.modes, variant, c))  # noqa: E731
        epochs = int(histories[0]["epoch"].iloc[-1])
        return say.gap_measures(
            epochs,
            (float(train.mean()), float(val.mean())),
            summarize(train - val),
            m("train_inference"),
            m("gap_inference"),
        )

    # BatchNorm's two modes (Q13).

    def modes_markdown(self) -> Markdown:
        return Markdown(evidence_tables.modes(self.modes, self.labels))

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
        """The seed of the variant's lowest test accuracy."""
        values, seeds = self.results.values(variant), self.results.values(variant, "seed").astype(int)
        return int(seeds[values.argmin()])

    def _lowest_against_others(self, variant: str) -> tuple[np.ndarray, int, int] | None:
        """The variant's test accuracies, the index of its lowest seed and that seed (None under three seeds)."""
        values = self.results.values(variant)
        return (values, int(values.argmin()), self.lowest_seed(variant)) if len(values) >= 3 else None

    def outlier_brief(self, variant: str) -> str:
        """The conclusions' sentence on a seed that makes most of the variant's spread ("" when none does)."""
        if (lowest := self._lowest_against_others(variant)) is None:
            return ""
        values, low, seed = lowest
        return robustness.outlier_brief(seed, values[low], summarize(np.delete(values, low)), values.std(ddof=1))

    def outlier_text(self, variant: str) -> str:
        """Q15: the variant's lowest seed against its others, and how much it moves the mean and the median."""
        if (lowest := self._lowest_against_others(variant)) is None:
            return ""
        values, low, seed = lowest
        rest = np.delete(values, low)
        text = robustness.outlier_text(self.name(variant), seed, values[low], summarize(rest), values.std(ddof=1))
        iqr = tuple(float(q) for q in np.quantile(values, [0.25, 0.75]))
        moved = robustness.median_text(
            seed, (values.mean(), rest.mean()), (float(np.median(values)), float(np.median(rest))), iqr
        )
        return f"{text} {moved}"

    def outlier_curves_text(self, variant: str, epochs: int = 20) -> str:
        """Q15: what the lowest seed's curves show against the others': its final training loss, and its validation
        accuracy over the last ``epochs`` epochs."""
        histories = {r.config.seed: r.history() for r in self.results.runs.get(variant, [])}
        if len(histories) < 3:
            return ""
        low, epochs = self.lowest_seed(variant), min(epochs, *(len(h) for h in histories.values()))
        batchnorm = bool(self.modes.loc[self.modes["variant"] == variant, "batchnorm"].all())
        loss = {s: float(h["loss"].iloc[-1]) for s, h in histories.items()}
        late = {
            s: float(h.loc[h["epoch"] > h["epoch"].max() - epochs, "val_accuracy"].mean()) for s, h in histories.items()
        }
        others = [s for s in histories if s != low]
        span = (min(loss[s] for s in others), max(loss[s] for s in others))
        return robustness.outlier_curves(
            low, loss[low], span, late[low], min(late[s] for s in others), epochs, batchnorm
        )


def resnet_source_text(kernel: np.ndarray, bias: np.ndarray) -> str:
    """Q12: where the ResNet50 first-layer weights shown came from (with the file's SHA-256 when offline)."""
    import hashlib

    from cnnlab.features import conv1_source

    source = conv1_source()
    digest = hashlib.sha256(source[0].read_bytes()).hexdigest() if source else None
    return sentences.resnet_source(tuple(kernel.shape), tuple(bias.shape), digest)
