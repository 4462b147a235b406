"""The seed study in the report (Q9, Q6/Q13): tables and sentences computed from its cached runs.

Q9 takes tiny VGG's spread over seeds apart (initialisation alone, order alone, both); Q13 asks whether
Keras's one order for all epochs matters, for tiny VGG and +BatchNorm, and whether the BatchNorm deficit
survives a new order at every epoch. Groups with fewer than three runs get no test: the text says how many
runs there are instead. Every sentence names its numbers and what they could have shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown

from cnnlab import present
from cnnlab.cache import RunCache
from cnnlab.models import labels
from cnnlab.power import POWER, detectable_between
from cnnlab.present import Interval
from cnnlab.seed_study import Deficit, Study, collect_study, decompose, deficits, reshuffling_family
from cnnlab.seed_study_sentences import (
    brief_text,
    deficit_change_text,
    fixed_partner_text,
    numbers_text,
    order_effects_text,
    ratios_text,
    spreads_brief,
    stds_text,
    survival_text,
    tests_text,
    variance_text,
    verdict_text,
)
from cnnlab.stats import ALPHA, std_interval, summarize
from cnnlab.studies import GROUPS, Group

SETS = {"test_accuracy": "full test set", "test_exact_accuracy": "exact 1,000"}  # as the tables name them
IN_PROSE = {"test_accuracy": "full test set", "test_exact_accuracy": "exact 1,000 images"}
MIN_SPREAD = 3  # values per group for a standard deviation's test
SPREAD_NAMES = ("init", "order", "protocol:tiny_vgg")


@dataclass
class SeedStudyReport:
    """The study's runs for the report's seeds, and what the report says about them."""

    study: Study
    planned: int  # seeds per group the report asks for

    @classmethod
    def open(cls, report: object) -> SeedStudyReport:
        """The study beside a ``chapter.Report``'s protocol runs (same seeds, epochs and subset)."""
        spec = report.spec  # type: ignore[attr-defined]
        fingerprint = report.data.fingerprint()  # type: ignore[attr-defined]
        study = collect_study(
            RunCache.as_rendered(), fingerprint, list(spec.seeds), epochs=spec.epochs, train_subset=spec.train_subset
        )
        return cls(study, len(spec.seeds))

    def n(self, name: str) -> int:
        """Runs cached for a group (or ``protocol:<variant>``)."""
        return len(self.study.values(name))

    def counts_text(self) -> str:
        """How complete the study is, in a sentence."""
        counts = [self.n(g.name) for g in GROUPS]
        if not self.study.missing:
            return f"Each group has all {self.planned} seeds."
        groups = "; ".join(f"{labels()[g.variant]}, {g.title}: {n}" for g, n in zip(GROUPS, counts, strict=True))
        return (
            f"The study is not complete: of the {self.planned} seeds per group, these runs are finished ({groups}). "
            "The study's numbers (Sections [-@sec-seed-sources], [-@sec-reshuffle] and the conclusions) are computed "
            "from them alone and are provisional; the rest of the report does not use them."
        )

    def provisional_note(self) -> str:
        """ "" for a complete study; else a sentence saying its numbers are provisional and what is missing."""
        missing = len(self.study.missing)
        if not missing:
            return ""
        verb = "is" if missing == 1 else "are"
        return (
            f" These numbers are provisional: {present.count_of(missing, 'run', 'runs')} of the study {verb} to come."
        )

    def _own_counts(self) -> list[int]:
        """Runs per group of the spreads' tests, not counting a run a group shares with the protocol."""
        return [len(self.study.records(name, own=True)) for name in SPREAD_NAMES]

    def _spreads_ready(self) -> bool:
        return min(self._own_counts()) >= MIN_SPREAD

    def spread_markdown(self) -> Markdown:
        """Q9's table: mean ± std and the std's 95 % interval, per source of spread, on both test sets."""
        rows = []
        what = {"init": "initial weights", "order": "order of the images", "protocol:tiny_vgg": "both (the protocol)"}
        for name, varied in what.items():
            row = {"what varies": varied, "n": self.n(name)}
            for metric, title in SETS.items():
                values = self.study.values(name, metric)
                row[f"{title}, %"] = _pm(values)
                low_high = std_interval(values) if len(values) >= 2 else None
                row[f"std interval, {title} (pp)"] = present.ci(Interval(*low_high)) if low_high else "–"
            rows.append(row)
        return Markdown(present.markdown_table(pd.DataFrame(rows), align=["l", "r", "r", "r", "r", "r"]))

    def spread_text(self, metric: str = "test_accuracy") -> str:
        """Q9: the three spreads with intervals, whether they differ, and what robustness means with them."""
        if not self._spreads_ready():
            return (
                "Taking the spread apart needs at least three runs in each of the three groups, besides the run "
                "they share; there are "
                f"{', '.join(map(str, self._own_counts()))} so far, so no spread is compared yet."
            )
        parts = decompose(self.study, metric)
        init, order, _ = parts.spreads
        own = tuple(self.study.values(n, metric, own=True) for n in ("init", "order"))
        shared = ", counting seed 0's run, which all three groups share, in the protocol's group only," * parts.shared
        return (
            "In plain words: with the order of the images fixed, another random initialisation moves the test "
            f"accuracy by about {present.points(init.summary.std, 2)} pp (one standard deviation; with "
            f"{init.summary.n} runs, anywhere from {present.points(init.std_low, 2)} to "
            f"{present.points(init.std_high, 2)} pp at 95 % confidence), and the order alone by about "
            f"{present.points(order.summary.std, 2)} pp. That is what robust to the initialisation means here: a "
            "spread of that size, not the absence of one. In detail, "
            f"on the {IN_PROSE[metric]}, the standard deviation over seeds (95 % interval) is: "
            f"{stds_text(parts, '; ')}. A Brown–Forsythe test [@brown1974]{shared} "
            f"{'detects a' if parts.differ_p < ALPHA else 'detects no'} difference between the three spreads "
            f"({present.p_value(parts.differ_p)}). {ratios_text(parts, own)} {variance_text(parts)} "
            f"{fixed_partner_text(parts.init_vs_order)}{self.provisional_note()}"
        )

    def reshuffling_markdown(self) -> Markdown:
        """Q6/Q13's table: Keras's fixed order against a new order every epoch, per variant and test set."""
        rows = []
        families = {metric: reshuffling_family(self.study, metric) for metric in SETS}
        for name in ("reshuffled", "reshuffled_bn"):
            group = _group(name)
            for metric, title in SETS.items():
                new, fixed = self.study.values(name, metric), self.study.matched(name, metric)
                row = {
                    "variant": labels()[group.variant],
                    "test set": title,
                    "fixed order, %": _pm(fixed),
                    "new order every epoch, %": _pm(new),
                    "n": f"{len(fixed)} vs {len(new)}",
                    "difference (pp)": "–",
                    "Welch p (Holm)": "–",
                    "Levene p (Holm)": "–",
                }
                if name in families[metric]:
                    c = families[metric][name]
                    row["difference (pp)"] = f"{present.pp(c.difference)} {present.ci(c)}"
                    row["Welch p (Holm)"] = _p_holm(c.welch_p, c.holm_welch_p)
                    row["Levene p (Holm)"] = _p_holm(c.levene_p, c.holm_levene_p)
                rows.append(row)
        return Markdown(present.markdown_table(pd.DataFrame(rows), align=["l", "l", "r", "r", "r", "r", "r", "r"]))

    def reshuffling_text(self, name: str) -> str:
        """One variant's verdict: does a new order every epoch change its accuracy, on both test sets?"""
        variant = labels()[_group(name).variant]
        families = [reshuffling_family(self.study, metric) for metric in SETS]
        if name not in families[0]:
            return (
                f"For {variant}, nothing is compared yet: the comparison, corrected over tiny VGG and +BatchNorm, "
                f"waits for two runs with a new order every epoch of each ({variant} has {self.n(name)})."
            )
        results = [family[name] for family in families]
        if all(c.mean_p >= ALPHA for c in results):
            numbers = "; ".join(f"{t}: {numbers_text(c)}" for t, c in zip(SETS.values(), results, strict=True))
            said = f"these runs cannot tell a new order every epoch from the fixed order on either test set ({numbers})"
        else:
            said = "; ".join(
                f"on the {title}, {verdict_text(c, 'a new order every epoch', 'the fixed order')}"
                for title, c in zip(IN_PROSE.values(), results, strict=True)
            )
        a, b = self.study.values(name), self.study.matched(name)
        return (
            f"For {variant}, {said}. With {len(a)} and {len(b)} seeds, a difference of about "
            f"{present.points(detectable_between(a, b), 2)} pp in mean would be detected "
            f"{present.pct(POWER, 0)} of the time before the correction."
        )

    def deficit_text(self) -> str:
        """Q13: +BatchNorm minus tiny VGG with Keras's fixed order and with a new order every epoch, per test set:
        whether the deficit survives reshuffling, and how much reshuffling changes it."""
        if min(self.n("reshuffled"), self.n("reshuffled_bn")) < 2:
            return "Whether the BatchNorm deficit survives a new order every epoch needs two reshuffled runs of each."
        found = deficits(self.study)
        return " ".join(self._deficit_sentence(found[m], title) for m, title in IN_PROSE.items()) + (
            " Holm's correction is over the two test sets for the new order's difference and its change (over the "
            "two variants for the order's own effect, @tbl-reshuffle); the fixed-order differences repeat Q13's "
            f"comparison on these seeds, with raw p; the intervals are before any correction.{self.provisional_note()}"
        )

    def _deficit_sentence(self, deficit: Deficit, title: str) -> str:
        """One test set's deficit with each order, its verdict, and its change with its interval and power."""
        fixed, new = deficit.fixed, deficit.reshuffled
        numbers = (
            f"On the {title}, +BatchNorm minus tiny VGG is {present.pp(fixed.difference)} {present.ci(fixed)} pp "
            f"with the fixed order ({self._matched_runs()}, Welch's t-test "
            f"{present.p_value(fixed.welch_p)}) and {present.pp(new.difference)} {present.ci(new)} pp with a new "
            f"order every epoch ({self.n('reshuffled_bn')} against {self.n('reshuffled')} runs, {tests_text(new)})"
        )
        verdict = survival_text({title: (fixed, new)}, "the deficit")
        change = deficit_change_text(deficit.change, deficit.change_holm_p, fixed)
        return f"{numbers}: {verdict}, and {change}."

    def _matched_runs(self) -> str:
        """ "4 against 5 runs, the seeds each has with a new order": the fixed-order runs the reshuffled groups are
        compared with."""
        bn, vgg = (len(self.study.matched(n)) for n in ("reshuffled_bn", "reshuffled"))
        return f"{bn} against {vgg} runs, the seeds each has with a new order"

    def conclusion_text(self) -> str:
        """The conclusions' two sentences: what the spread is made of, and whether the fixed order matters."""
        if self._spreads_ready():
            spreads = spreads_brief(decompose(self.study))
            spread = f"Taken apart (@sec-seed-sources), the spread over seeds on the full test set is: {spreads}."
        else:
            spread = (
                "How much of the spread the initial weights and the order each make (@sec-seed-sources) is not "
                "settled: its groups do not have three runs each yet."
            )
        families = {IN_PROSE[m]: reshuffling_family(self.study, m) for m in SETS}
        if not families["full test set"]:
            likewise = " likewise" if not self._spreads_ready() else ""
            return (
                f"{spread} Whether Keras's fixed order matters (@sec-reshuffle) waits for its runs{likewise}."
                f"{self.provisional_note() if self._spreads_ready() else ''}"
            )
        changes = {
            labels()[_group(name).variant]: {title: family[name] for title, family in families.items()}
            for name in ("reshuffled", "reshuffled_bn")
        }
        return (
            f"{spread} With a new order every epoch (@sec-reshuffle), {order_effects_text(changes)}."
            f"{self.provisional_note()}"
        )

    def deficit_conclusion(self) -> str:
        """Q13 in the conclusions: whether BatchNorm's deficit survives a new order every epoch ("" until the
        reshuffled groups can be tested)."""
        if not reshuffling_family(self.study):
            return ""
        found = {IN_PROSE[m]: (d.fixed, d.reshuffled) for m, d in deficits(self.study).items()}
        numbers = " and ".join(f"{brief_text(c)} on the {t}" for t, (_, c) in found.items())
        return (
            f"With a new order every epoch (@sec-reshuffle), +BatchNorm minus tiny VGG is {numbers} (Holm over the two "
            f"test sets), so {survival_text(found, 'the BatchNorm deficit')}.{self.provisional_note()}"
        )

    def provenance_text(self) -> str:
        """How many runs the study adds to the protocol's, their computing time, and how many are still to come."""
        own = [r for name in self.study.groups for r in self.study.records(name, own=True)]
        hours = sum(float(r.metadata.get("duration_s") or 0) for r in own) / 3600
        resumed = sum(bool(r.metadata.get("resumed_at_epochs")) for r in own)
        missing = len(self.study.missing)
        unfinished = f"; {present.count_of(missing, 'run is', 'runs are')} not finished" if missing else ""
        return (
            "The seed study (Sections [-@sec-seed-sources] and [-@sec-reshuffle]) adds "
            f"{present.count_of(len(own), 'run', 'runs')} of "
            "its own under the same protocol, with the seeds and orders of its groups (seed 0 of the groups that vary "
            "the initial weights or the order alone is the protocol's seed-0 run, counted once): "
            f"{present.num(hours, 1)} hours of computing, {present.count_of(resumed, 'run', 'runs')} resumed after an "
            "interruption (a new order every epoch is drawn from the seed and the epoch, so a resumed run draws the "
            f"orders an uninterrupted one does){unfinished}."
        )


def _group(name: str) -> Group:
    return next(g for g in GROUPS if g.name == name)


def _p_holm(p: float, holm: float) -> str:
    """A table cell: "0.020 (0.040)", or the raw p alone outside a family."""
    return _p(p) if math.isnan(holm) else f"{_p(p)} ({_p(holm)})"


def _pm(values: np.ndarray) -> str:
    """Mean ± std for a table cell whose header says "%" ("–" without runs)."""
    return present.pm(summarize(values), with_n=False).removesuffix(" %") if len(values) else "–"


def _p(p: float) -> str:
    """A p-value for a table cell: "0.032", "< 0.001", or "–" when too few seeds define it."""
    return "–" if p != p else present.p_value(p).removeprefix("p ").removeprefix("= ")
