"""What a report chapter calls: the data, the cached runs of the report's spec, and formatted numbers.

A chapter opens it once (``r = open_report()``) and keeps its cells to a few lines each. ``Report`` is a
facade: it gathers the statistics of the cached runs and hands them to ``sentences`` (the prose of
analysis), ``tables`` (markdown tables), ``curves`` and ``confusion`` (Q8's and the errors' readings),
``evidence`` (the derived results behind the claims) and ``claims`` (each variant against the tiny VGG,
with Holm's correction within each family, and the verdicts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from IPython.display import Markdown

from cnnlab import early_stopping, present, sentences, tables, training_reading, viz
from cnnlab.cache import PREDICTIONS_FILE, RunCache, RunRecord
from cnnlab.claims import Claims
from cnnlab.config import RunConfig
from cnnlab.confusion import per_class_accuracy, summed_confusion
from cnnlab.curves import CurveReading, read_curves
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, data_facts, load_cifar10
from cnnlab.errors import MissingRunsError
from cnnlab.evidence import Evidence
from cnnlab.exact_deficit import ExactDeficit
from cnnlab.filters import Filters
from cnnlab.models import build_model, labels, layer_table
from cnnlab.results import BASELINE, ReportSpec, Results, collect
from cnnlab.seed_study_report import SeedStudyReport
from cnnlab.statistics_gap import StatisticsGap, statistics_gap_table
from cnnlab.stats import Comparison, Summary, compare, summarize
from cnnlab.synthesis import Sized, synthesis_text


@dataclass
class Report:
    """The data and results one rendering of the report is about."""

    data: Cifar10
    results: Results
    _recalibrated: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @property
    def spec(self) -> ReportSpec:
        """Which variants, seeds and protocol the report shows."""
        return self.results.spec

    @cached_property
    def facts(self) -> dict[str, Any]:
        """The Q1/Q3 facts of the data."""
        return data_facts(self.data)

    @property
    def table(self) -> pd.DataFrame:
        """One row per cached run."""
        return self.results.table()

    @property
    def variants(self) -> list[str]:
        """The variants with at least one cached run, in registry order."""
        return [v for v in self.spec.variants if self.results.n(v)]

    @property
    def protocol(self) -> RunConfig:
        """The configuration every run of the report shares, shown with seed 0."""
        return self.spec.config(BASELINE, 0)

    def values(self, variant: str, column: str = "test_accuracy") -> np.ndarray:
        """A metric over a variant's seeds."""
        return self.results.values(variant, column)

    def summary(self, variant: str, column: str = "test_accuracy") -> Summary:
        """Mean, std, interval and range of a metric over a variant's seeds."""
        return summarize(self.values(variant, column))

    def pm(self, variant: str, column: str = "test_accuracy", with_n: bool = True) -> str:
        """ "mean ± std % (n = …)" of a metric ("not available yet" when there are no runs)."""
        if not self.results.n(variant):
            return "not available yet" + (" (n = 0)" if with_n else "")
        return present.pm(self.summary(variant, column), with_n=with_n)

    def comparable(self, variant: str) -> bool:
        """Both the variant and the tiny VGG have at least two seeds."""
        return self.results.n(variant) >= 2 and self.results.n(BASELINE) >= 2

    def best_variant(self) -> str:
        """The variant with the highest mean test accuracy."""
        return max(self.variants, key=lambda v: self.summary(v).mean)

    def steadiest_variant(self) -> str:
        """The variant with the smallest standard deviation over seeds (among those with two or more)."""
        candidates = [v for v in self.variants if self.results.n(v) >= 2]
        return min(candidates, key=lambda v: self.summary(v).std) if candidates else BASELINE

    def comparison(self, variant: str, column: str = "test_accuracy") -> Comparison:
        """The variant against the tiny VGG over seeds."""
        return compare(self.values(variant, column), self.values(BASELINE, column))

    @property
    def labels(self) -> dict[str, str]:
        """Display name of every registered variant ("tiny VGG + BatchNorm")."""
        return labels()

    def label(self, variant: str) -> str:
        """A variant's display name."""
        return self.labels.get(variant, variant)

    @cached_property
    def evidence(self) -> Evidence:
        """The derived results and statistics behind the claims (JPEG, BatchNorm's modes, curves, power)."""
        return Evidence(self.results, self.data, self.labels)

    @cached_property
    def claims(self) -> Claims:
        """Every variant against the tiny VGG, measure by measure, Holm-corrected within each family."""
        return Claims(self.results, self.evidence, self.data)

    def verdict(self, variant: str) -> str:
        """Is it better, and is it more robust? On both test sets, from the Holm-corrected tests, with power."""
        return self.claims.verdict(variant)

    def fit_text(self, variant: str) -> str:
        """How closely the variant fits its training images, and its generalisation gap, against the tiny VGG."""
        return self.claims.fit_text(variant)

    def batchnorm_text(self, variant: str) -> str:
        """What recomputing BatchNorm's test-time statistics does to a variant's seeds (a diagnostic)."""
        return self.claims.recalibration_text(variant)

    @cached_property
    def statistics_gap(self) -> StatisticsGap:
        """How far the BatchNorm variants' stored statistics are from their final weights' (cached per run)."""
        variants = self.claims.batchnorm_variants
        recomputed = self.claims.recalibrated[["variant", "seed", "accuracy"]]
        trained = self.results.table()[["variant", "seed", "test_accuracy"]]
        gains = recomputed.merge(trained, on=["variant", "seed"])
        gains = gains.assign(gain=gains["accuracy"] - gains["test_accuracy"])[["variant", "seed", "gain"]]
        table = statistics_gap_table({v: self.results.runs[v] for v in variants}, self.data)
        return StatisticsGap(table, gains)

    @cached_property
    def exact_deficit(self) -> ExactDeficit:
        """The BatchNorm variants' deficit taken apart on the exact test images (cached per run)."""
        from cnnlab.batchnorm_modes import exact_modes_table

        variants = self.claims.batchnorm_variants
        table = exact_modes_table({v: self.results.runs[v] for v in variants}, self.data)
        exact = self.results.values(BASELINE, "test_exact_accuracy")
        n = min(EXACT_TEST_IMAGES, len(self.data.y_test))
        return ExactDeficit(table, exact, self.label(BASELINE), n, self.claims.accuracy["exact"])

    def num_pm(self, variant: str, column: str, digits: int = 3) -> str:
        """ "mean ± std" of a metric that is not a percentage (a loss), over a variant's seeds."""
        s = self.summary(variant, column)
        return present.num(s.mean, digits) + (f" ± {present.num(s.std, digits)}" if s.n > 1 else "")

    def leader_text(self) -> str:
        """Which variant has the best mean test accuracy, and which the smallest spread over seeds."""
        best, steadiest = self.best_variant(), self.steadiest_variant()
        return sentences.leader_text(self.label(best), self.pm(best), self.label(steadiest))

    def synthesis_text(self) -> str:
        """Section 5.4: each variant's size against its verdict as trained, and the model the runs favour."""
        size = self.table.groupby("variant")["trainable_parameters"].first()
        found = self.claims.accuracy
        sized = [Sized(self.label(v), int(size[v]), found["full"][v], found["exact"][v]) for v in self.claims.others]
        return synthesis_text(self.label(BASELINE), int(size[BASELINE]), sized)

    def early_stopping_text(self) -> str:
        """§5.4: what keeping each variant's best-validation epoch would change, Holm-corrected over the variants."""
        stopping, names = self.evidence.stopping, {v: self.evidence.name(v) for v in self.variants}
        against = early_stopping.stopped_against(stopping, self.variants, BASELINE)
        return early_stopping.gains_text(early_stopping.gains(stopping, self.variants), against, names, BASELINE)

    def training_text(self) -> str:
        """The conclusions' Q6–Q8: the tiny VGG's training in brief, each number with its evidence."""
        return training_reading.conclusion_text(self.evidence.training, self.evidence.name(BASELINE))

    def curves(self, variant: str = BASELINE) -> CurveReading:
        """What a variant's learning curves show over its seeds (Q8)."""
        return read_curves(self.results.histories(variant))

    def per_class(self) -> dict[str, np.ndarray]:
        """Per-class test accuracy of each variant with runs: one row per seed, one column per class."""
        return {v: per_class_accuracy([rec.metrics for rec in self.results.runs[v]]) for v in self.variants}

    def confusion(self, variant: str = BASELINE) -> np.ndarray:
        """A variant's test confusion matrices summed over its seeds (rows: true class)."""
        return summed_confusion([rec.metrics for rec in self.results.runs[variant]])

    def record(self, variant: str, index: int = 0) -> RunRecord:
        """A variant's cached run (the first seed by default)."""
        return self.results.runs[variant][index]

    def trained_model(self, variant: str, index: int = 0) -> Any:
        """The trained model of a variant's run (the first seed by default)."""
        from cnnlab.features import load_trained

        return load_trained(self.record(variant, index))

    def predictions(self, variant: str, index: int = 0) -> np.ndarray:
        """Predicted test labels of a run."""
        return np.load(self.record(variant, index).verified(PREDICTIONS_FILE))

    def banner(self) -> Markdown:
        """A warning at the top of the report when runs are missing (rendered with --allow-incomplete)."""
        total = len(self.spec.variants) * len(self.spec.seeds)
        return Markdown(tables.banner(self.results.missing, total))

    def layer_markdown(self, variant: str) -> Markdown:
        """The layer table of a variant: name, type, output shape, parameters."""
        return Markdown(tables.layers(layer_table(build_model(variant, self.protocol.width))))

    def summary_markdown(self) -> Markdown:
        """All variants side by side: parameters, accuracies over seeds, speed, best epoch, final gap."""
        stopping = self.evidence.stopping[["variant", "seed", "min_val_loss_epoch"]]
        gaps = self.evidence.modes[["variant", "seed", "gap_inference"]]
        table = self.table.merge(stopping, on=["variant", "seed"], how="left")
        return Markdown(tables.summary(table.merge(gaps, on=["variant", "seed"], how="left"), self.labels))

    def comparison_markdown(self) -> Markdown:
        """Each variant against the tiny VGG on both test sets: difference, interval, Welch, Mann-Whitney, Levene."""
        return Markdown(tables.comparisons(self.claims.comparison_rows()))

    def seeds_markdown(self, variant: str = BASELINE) -> Markdown:
        """A variant's runs, one row per seed, with their mean."""
        return Markdown(tables.seeds(self.table[self.table["variant"] == variant]))

    def runs_markdown(self) -> Markdown:
        """Every run of the report."""
        return Markdown(tables.runs(self.table, self.labels))

    @cached_property
    def curve_limits(self) -> dict[str, tuple[float, float]]:
        """One y range per metric for every curve figure of the report, so that variants compare by eye."""
        groups = {v: self.results.histories(v) for v in self.variants}
        first = groups.get(BASELINE, [])[:1]  # the one-seed figure of Q8
        return viz.curve_limits([h for g in groups.values() for h in g], [*groups.values(), first])

    @cached_property
    def resnet50(self) -> Any:
        """ImageNet ResNet50 (``features.load_resnet50``), loaded once for Q12's chapter and its filters."""
        from cnnlab.features import load_resnet50

        return load_resnet50()

    @cached_property
    def filters(self) -> Filters:
        """The first-layer filters of Q11-Q12: the tiny VGG's seeds, trained and initial, and ResNet50's."""
        return Filters.of(self)

    @cached_property
    def seed_study(self) -> SeedStudyReport:
        """The seed study's runs beside these (Q9, Q13, the appendix's provenance)."""
        return SeedStudyReport.open(self)


def open_report(spec: ReportSpec | None = None) -> Report:
    """Load the data and the cached runs of the report's spec (``$CNNLAB_REPORT`` or the protocol)."""
    mpl.rcParams.update({"figure.dpi": 110, "savefig.dpi": 160, "font.size": 9})
    data = load_cifar10()
    results = collect(RunCache.as_rendered(), data.fingerprint(), spec)
    if not results.n(BASELINE):
        raise MissingRunsError(f"the report needs at least one run of {BASELINE}: run `cnnlab run {BASELINE} --seed 0`")
    return Report(data, results)
