"""The validation split against the two test sets at the last epoch (Q8): paired over the runs, with the
error that sampling the images adds, which the seeds' intervals leave out."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, t

from cnnlab import present
from cnnlab.results import Results
from cnnlab.stats import ALPHA, binomial_se
from cnnlab.verdicts import Contrast, contrasts

Z = float(norm.ppf(1 - ALPHA / 2))  # a normal difference is significant beyond Z standard errors (1.96)


@dataclass(frozen=True)
class Offsets:
    """The last epoch's validation accuracy against both test sets, paired over the runs: each set's mean
    accuracy with its number of images (validation, full, exact), and the contrasts validation − exact and
    validation − full."""

    validation: tuple[float, int]
    full: tuple[float, int]
    exact: tuple[float, int]
    to_exact: Contrast
    to_full: Contrast

    def sampling_se(self, other: tuple[float, int]) -> float:
        """The standard error of validation − ``other`` from sampling the images, at most (binomial, for one
        model; a mean over seeds scored on the same images varies less): the two sets are different images, so
        their errors add."""
        return math.hypot(binomial_se(*self.validation), binomial_se(*other))

    def combined_se(self, c: Contrast, other: tuple[float, int]) -> float:
        """The seeds' standard error of the paired difference (from its interval) and the images' added."""
        n = c.variant.n
        seeds = (c.test.ci_high - c.test.ci_low) / (2 * float(t.ppf(1 - ALPHA / 2, n - 1)))
        return math.hypot(seeds, self.sampling_se(other))

    @property
    def beyond_sampling(self) -> float:
        """How many combined standard errors (seeds and images) the validation split lies above the full set."""
        return self.to_full.difference / self.combined_se(self.to_full, self.full)

    @property
    def jpeg_explains(self) -> bool:
        """The validation split cannot be told from the exact images, and lies above the full test set by more than
        the seeds and the sampling of the images together allow."""
        return not self.to_exact.significant and self.to_full.significant and self.beyond_sampling > Z


def validation_offsets(results: Results, variant: str) -> Offsets:
    """The validation split against the exact test images and the full test set at the last epoch."""
    validation = np.array([h["val_accuracy"].iloc[-1] for h in results.histories(variant)])
    full, exact = results.values(variant), results.values(variant, "test_exact_accuracy")
    to = contrasts({"exact": (validation, exact), "full": (validation, full)}, is_paired=True)
    metrics = results.runs[variant][0].metrics
    images = (int(metrics[n]) for n in ("n_validation", "n_test", "n_test_exact"))
    means = (float(x.mean()) for x in (validation, full, exact))
    return Offsets(*zip(means, images, strict=True), to["exact"], to["full"])


def sampling_clause(o: Offsets) -> str:
    """What sampling the images adds to the validation split against the exact images, which the seeds'
    interval leaves out."""
    se = o.sampling_se(o.exact)
    return (
        f"the seeds' interval of the validation split against the exact images holds the images fixed: as samples "
        f"of {present.count(o.validation[1])} and {present.count(o.exact[1])} images, the two sets' accuracies "
        f"differ by chance with a standard error of up to {present.points(se, 2)} pp, so a difference of up to "
        f"{present.points(Z * se, 2)} pp between them is within sampling alone"
    )


def full_set_clause(o: Offsets) -> str:
    """ "4.1 times the standard error of the seeds and of sampling both sets of images together"."""
    return (
        f"{present.num(o.beyond_sampling, 1)} times the standard error that the seeds and the sampling of both "
        "sets of images give together"
    )
