"""The report's Holm families in one table: each question, what it is asked of, on which test sets, and how many
p-values Holm's method corrects together. The sizes come from the same lists the analyses correct over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cnnlab import present


@dataclass
class Sizes:
    """How many p-values each kind of family holds: ``variants`` compared with the tiny VGG, the ones with
    BatchNorm, the variants with a reshuffled group, every variant (early stopping's gain), the classes, the
    first-layer measures, the test sets, and the epochs before the curves' close-ups."""

    variants: int
    batchnorm: int
    reshuffled: int
    every: int
    classes: int
    measures: int
    test_sets: int
    early_epochs: int


def family_rows(s: Sizes) -> list[tuple[str, str, str, int]]:
    """(question, asked of, test sets, family size) for every family the report corrects over."""
    apart, bn = "each apart", "each variant with BatchNorm"
    return [
        ("validation accuracy against each test set", "tiny VGG", "both together", s.test_sets),
        ("mean test accuracy (Welch), ranks (Mann–Whitney), spread (Levene)", "each variant", apart, s.variants),
        ("fit in inference mode: training accuracy, training − validation gap", "each variant", "–", s.variants),
        ("validation accuracy against the tiny VGG's, epoch by epoch, up to the curves' close-ups",
         "+BatchNorm", "–", s.early_epochs),
        ("batch against running statistics; with batch statistics or recomputed ones against the tiny VGG",
         bn, apart, s.batchnorm),
        ("training − validation gap with batch statistics against the tiny VGG's", bn, "–", s.batchnorm),
        ("spread before and after recomputing the statistics (Pitman–Morgan)", bn, "full", s.batchnorm),
        ("fixed order against a new order every epoch", "tiny VGG and +BatchNorm", apart, s.reshuffled),
        ("+BatchNorm − tiny VGG with a new order every epoch, and its change", "+BatchNorm", "both together",
         s.test_sets),
        ("gain of the best-validation epoch over the last", "every variant", "full", s.every),
        ("test accuracy at the best-validation epoch against the tiny VGG's", "each variant", "full", s.variants),
        ("per-class accuracy against the tiny VGG", "each variant, its classes", "full", s.classes),
        ("drop under compression against the tiny VGG's; with recomputed statistics against as trained", bn,
         "exact against JPEG-derived", s.batchnorm),
        ("first-layer edge and colour share, before against after training", "tiny VGG", "–", s.measures),
    ]  # fmt: skip


def families_markdown(s: Sizes) -> str:
    """The table of :func:`family_rows`."""
    rows = family_rows(s)
    frame = pd.DataFrame(
        {
            "question": [r[0] for r in rows],
            "asked of": [r[1] for r in rows],
            "test sets": [r[2] for r in rows],
            "p-values": [present.count(r[3]) for r in rows],
        }
    )
    return present.markdown_table(frame, ["l", "l", "l", "r"])


def sizes_of(report: Any) -> Sizes:
    """The families' sizes for a report (``chapter.Report``): from its claims, runs and the study's groups."""
    from cnnlab.claims import TEST_SETS
    from cnnlab.curves import ZOOM_FROM
    from cnnlab.data import CLASS_NAMES
    from cnnlab.filters import MEASURES
    from cnnlab.studies import GROUPS

    claims = report.claims
    return Sizes(
        variants=len(claims.others),
        batchnorm=len(claims.batchnorm_variants),
        reshuffled=sum(g.fixed.get("shuffle") == "every_epoch" for g in GROUPS),
        every=sum(report.results.n(v) >= 2 for v in report.variants),
        classes=len(CLASS_NAMES),
        measures=len(MEASURES),
        test_sets=len(TEST_SETS),
        early_epochs=min(ZOOM_FROM, report.protocol.epochs),
    )
