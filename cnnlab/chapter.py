"""What a report chapter calls: the data, the cached runs of the report's spec, and formatted numbers.

A chapter opens it once (``r = open_report()``) and keeps its cells to a few lines each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from IPython.display import Markdown

from cnnlab import present
from cnnlab.cache import PREDICTIONS_FILE, RunCache, RunRecord
from cnnlab.config import RunConfig
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, data_facts, load_cifar10
from cnnlab.errors import MissingRunsError
from cnnlab.models import DESCRIPTIONS, build_model, layer_table
from cnnlab.results import BASELINE, ReportSpec, Results, collect
from cnnlab.stats import Comparison, Summary, compare, summarize

LABELS = {
    "tiny_vgg": "tiny VGG",
    "tiny_vgg_bn": "tiny VGG + BatchNorm",
    "tiny_vgg_3blocks": "tiny VGG, 3 blocks",
    "tiny_resnet": "tiny ResNet",
}


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

    def verdict(self, variant: str) -> str:
        """The sentence that answers "is it better, and is it more robust?", computed from the tests."""
        name, base = LABELS[variant], LABELS[BASELINE]
        if not self.comparable(variant):
            return (
                f"With {self.results.n(variant)} run(s) of the {name} and {self.results.n(BASELINE)} of the "
                f"{base}, the two cannot be compared yet: a comparison needs at least two seeds of each."
            )
        c = self.comparison(variant)
        diff = f"{present.pp(c.difference)} percentage points, 95 % interval {present.ci(c)}"
        if c.significant:
            direction = "higher" if c.difference > 0 else "lower"
            mean_part = (
                f"The {name} reaches a {direction} mean test accuracy than the {base} ({diff}; Welch's "
                f"t-test {present.p_value(c.welch_p)}, Hedges' g = {present.num(c.hedges_g, 2)})."
            )
        else:
            mean_part = (
                f"The difference in mean test accuracy between the {name} and the {base} is not "
                f"statistically significant ({diff}; Welch's t-test {present.p_value(c.welch_p)}, "
                f"Hedges' g = {present.num(c.hedges_g, 2)}): with these seeds we cannot claim an improvement."
            )
        ratio = f"standard deviation ratio {present.num(c.std_ratio, 2)}, Levene's test {present.p_value(c.levene_p)}"
        if math.isnan(c.levene_p):
            spread_part = (
                "Its spread over seeds cannot be tested with these runs (Levene's test needs at least three "
                "seeds of each variant and test accuracies that are not all equal)."
            )
        elif c.spread_differs:
            spread = "smaller" if c.std_ratio < 1 else "larger"
            spread_part = f"Its spread over seeds is significantly {spread} ({ratio})."
        else:
            spread_part = f"Its spread over seeds is not significantly different ({ratio})."
        return f"{mean_part} {spread_part}"

    def fit_text(self, variant: str) -> str:
        """How closely the variant fits its training images against the tiny VGG, and what the gap says."""
        if not self.results.n(variant) or not self.results.n(BASELINE):
            return ""
        loss, base_loss = (self.values(v, "final_train_loss").mean() for v in (variant, BASELINE))
        gap, base_gap = (self.values(v, "final_gap").mean() for v in (variant, BASELINE))
        facts = (
            f"After the last epoch its training loss is {present.num(loss)} against {present.num(base_loss)} for "
            f"the {LABELS[BASELINE]}, and its training accuracy exceeds its validation accuracy by "
            f"{present.points(gap, 1)} percentage points against {present.points(base_gap, 1)} (means over seeds)"
        )
        if loss < base_loss and gap > base_gap:
            reading = (
                "It fits the training images more closely, but the wider gap shows that the extra fit does not "
                "carry over to new images: it overfits more (the protocol has no dropout, weight decay or data "
                "augmentation to hold this back)"
            )
        elif loss < base_loss:
            reading = "It fits the training images more closely without a wider gap"
        elif gap > base_gap:
            reading = "It fits the training images less closely and still overfits more"
        else:
            reading = "It fits the training images less closely and overfits less"
        return f"{facts}. {reading}."

    def recalibrated(self, variant: str) -> np.ndarray:
        """Test accuracy of each of a variant's runs with BatchNorm's statistics recomputed (seed order)."""
        from cnnlab.batchnorm import recalibrated_accuracy

        if variant not in self._recalibrated:
            runs = self.results.runs[variant]
            self._recalibrated[variant] = np.array([recalibrated_accuracy(rec, self.data) for rec in runs])
        return self._recalibrated[variant]

    def batchnorm_text(self, variant: str) -> str:
        """What recomputing BatchNorm's test-time statistics does to a variant's seeds (a diagnostic)."""
        from cnnlab.batchnorm import RECALIBRATION_IMAGES

        if self.results.n(variant) < 2:
            return ""
        stored, fixed = self.values(variant), self.recalibrated(variant)
        moved = int(np.argmax(np.abs(fixed - stored)))
        seed = self.results.runs[variant][moved].config.seed
        before, after = self.summary(variant), summarize(fixed)
        text = (
            "At test time BatchNormalization normalises with running averages of the training batches' "
            f"statistics. Recomputing them from {present.count(RECALIBRATION_IMAGES)} training images with each "
            "seed's final weights, without changing any trained weight, gives a test accuracy of "
            f"{present.pm(after)} against {present.pm(before, with_n=False)} as trained; the seed that moves "
            f"most, {seed}, goes from {present.pct(stored[moved])} to {present.pct(fixed[moved])}."
        )
        if after.std < before.std:
            share = "most" if after.std < before.std / 2 else "part"
            text = (
                f"{text} The spread over seeds shrinks (standard deviation {present.points(before.std, 2)} → "
                f"{present.points(after.std, 2)} points): {share} of it comes from those running averages, not "
                "from what the networks learned."
            )
        else:
            text = f"{text} The spread over seeds does not shrink: it comes from the learned weights themselves."
        if self.results.n(BASELINE) < 2:
            return text
        c = compare(fixed, self.values(BASELINE))
        standing = "a significant difference" if c.significant else "not a significant difference"
        return (
            f"{text} Against the {LABELS[BASELINE]}, which has no BatchNormalization, that would be "
            f"{present.pp(c.difference)} percentage points (95 % interval {present.ci(c)}; Welch's t-test "
            f"{present.p_value(c.welch_p)}), {standing}; but recomputing the statistics is a step the "
            "assignment's protocol does not take, so the tables keep the numbers as trained."
        )

    def record(self, variant: str, index: int = 0) -> RunRecord:
        """A variant's cached run (the first seed by default)."""
        return self.results.runs[variant][index]

    def trained_model(self, variant: str, index: int = 0) -> Any:
        """The trained model of a variant's run (the first seed by default)."""
        from cnnlab.features import load_trained

        return load_trained(self.record(variant, index))

    def predictions(self, variant: str, index: int = 0) -> np.ndarray:
        """Predicted test labels of a run."""
        return np.load(self.record(variant, index).path / PREDICTIONS_FILE)

    def banner(self) -> Markdown:
        """A warning at the top of the report when runs are missing (rendered with --allow-incomplete)."""
        if self.results.complete:
            return Markdown("")
        missing = ", ".join(f"{v} seed {s}" for v, s in self.results.missing)
        return Markdown(
            f"::: {{.warning}}\n**Incomplete report.** {len(self.results.missing)} of "
            f"{len(self.spec.variants) * len(self.spec.seeds)} runs are missing ({missing}); "
            "every statistic below uses the runs that exist, and its n says how many.\n:::"
        )

    def layer_markdown(self, variant: str) -> Markdown:
        """The layer table of a variant: name, type, output shape, parameters."""
        rows = layer_table(build_model(variant, self.protocol.width))
        frame = pd.DataFrame(
            {
                "layer": [r["layer"] for r in rows],
                "type": [r["type"] for r in rows],
                "output shape": [" × ".join(map(str, r["output_shape"])) for r in rows],
                "parameters": [present.count(r["parameters"]) for r in rows],
            }
        )
        total = sum(r["parameters"] for r in rows)
        frame.loc[len(frame)] = ["**total**", "", "", f"**{present.count(total)}**"]
        return Markdown(present.markdown_table(frame, ["l", "l", "r", "r"]))

    def summary_markdown(self) -> Markdown:
        """All variants side by side: parameters, accuracies over seeds, speed, best epoch, final gap."""
        rows = []
        for v in self.variants:
            t = self.table[self.table["variant"] == v]
            rows.append(
                {
                    "variant": LABELS[v],
                    "seeds (n)": str(len(t)),
                    "parameters": present.count(t["parameters"].iloc[0]),
                    "test accuracy, full set": self.pm(v, with_n=False),
                    f"exact first {present.count(EXACT_TEST_IMAGES)}": self.pm(v, "test_exact_accuracy", with_n=False),
                    "s / epoch": present.num(t["seconds_per_epoch"].mean(), 1),
                    "best val. acc. epoch": present.num(t["best_val_epoch"].mean(), 0),
                    "train − val. gap (pp)": present.points(t["final_gap"].mean(), 1),
                }
            )
        return Markdown(present.markdown_table(pd.DataFrame(rows)))

    def comparison_markdown(self) -> Markdown:
        """Each variant against the tiny VGG: difference, interval, Welch, Hedges' g, Levene."""
        rows = []
        for v in self.spec.variants:
            if v == BASELINE:
                continue
            if not self.comparable(v):
                rows.append(
                    {
                        "variant": LABELS[v],
                        "n": f"{self.results.n(v)} vs {self.results.n(BASELINE)}",
                        **dict.fromkeys(
                            ("difference (pp)", "95 % interval", "Welch", "Hedges' g", "std ratio", "Levene"), "n/a"
                        ),
                    }
                )
                continue
            c = self.comparison(v)
            rows.append(
                {
                    "variant": LABELS[v],
                    "n": f"{self.results.n(v)} vs {self.results.n(BASELINE)}",
                    "difference (pp)": present.pp(c.difference),
                    "95 % interval": present.ci(c),
                    "Welch": present.p_value(c.welch_p),
                    "Hedges' g": present.num(c.hedges_g, 2),
                    "std ratio": present.num(c.std_ratio, 2),
                    "Levene": present.p_value(c.levene_p),
                }
            )
        return Markdown(present.markdown_table(pd.DataFrame(rows)))

    def describe(self, variant: str) -> str:
        """One line on what a variant is."""
        return DESCRIPTIONS[variant]


def open_report(spec: ReportSpec | None = None) -> Report:
    """Load the data and the cached runs of the report's spec (``$CNNLAB_REPORT`` or the protocol)."""
    mpl.rcParams.update({"figure.dpi": 110, "savefig.dpi": 160, "font.size": 9})
    data = load_cifar10()
    results = collect(RunCache(), data.fingerprint(), spec)
    if not results.n(BASELINE):
        raise MissingRunsError(f"the report needs at least one run of {BASELINE}: run `cnnlab run {BASELINE} --seed 0`")
    return Report(data, results)
