"""How far BatchNorm's stored running statistics are from the statistics a run's final weights produce.

At test time each BatchNormalization channel computes ``(x - mean) / sd`` with its stored running averages.
With the statistics its input really has (``cnnlab.batchnorm.recalibrate``, on the first training images),
the normalised value would have mean 0 and standard deviation 1; with the stored ones it is off by
``(true_mean - mean) / sd + (true_sd / sd - 1) z`` for a standard-normal ``z``, whose root mean square is the
channel's *normalisation error* (0: the stored statistics are right; 1: off by a whole standard deviation).
The errors are cached per run beside the runs (``cnnlab.derived``), like the recomputed accuracies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cnnlab import present
from cnnlab.cache import RunRecord
from cnnlab.data import Cifar10, preprocess
from cnnlab.derived import derived_table
from cnnlab.results import column_of
from cnnlab.stats import ALPHA

ANALYSIS, VERSION = "statistics_gap", 1
MIN_RUNS = 6  # fewer runs than this give a rank correlation no weight


def normalisation_error(
    stored: tuple[np.ndarray, np.ndarray], actual: tuple[np.ndarray, np.ndarray], epsilon: float
) -> np.ndarray:
    """Per channel, the root mean square error of the normalised value when ``stored`` (mean, variance)
    stand in for the ``actual`` ones: sqrt(((actual mean - mean) / sd)^2 + (actual sd / sd - 1)^2)."""
    (mean, variance), (true_mean, true_variance) = stored, actual
    sd, true_sd = np.sqrt(np.asarray(variance) + epsilon), np.sqrt(np.asarray(true_variance) + epsilon)
    return np.sqrt(((np.asarray(true_mean) - mean) / sd) ** 2 + (true_sd / sd - 1) ** 2)


def statistics_gap(record: RunRecord, data: Cifar10) -> dict[str, Any]:
    """A run's normalisation errors channel by channel, per BatchNorm layer (``layers``): of its stored
    statistics against those recomputed from its first training images (``errors``), and between the statistics
    recomputed from either half of those images (``floor``: what sampling alone gives, at half the images)."""
    from cnnlab.batchnorm import RECALIBRATION_IMAGES, recalibrate  # imports Keras
    from cnnlab.features import load_trained
    from cnnlab.quiet import import_keras

    model = load_trained(record)
    layers = [layer for layer in model.layers if isinstance(layer, import_keras().layers.BatchNormalization)]
    read = lambda: [tuple(layer.get_weights()[2:]) for layer in layers]  # noqa: E731
    stored = read()
    images = preprocess(data.x_train[:RECALIBRATION_IMAGES])
    halves = []
    for part in (images[: len(images) // 2], images[len(images) // 2 :]):
        recalibrate(model, part)
        halves.append(read())
    recalibrate(model, images)
    actual = read()

    def errors(guesses: list, truths: list) -> list[list[float]]:
        pairs = zip(layers, guesses, truths, strict=True)
        return [normalisation_error(guess, true, layer.epsilon).tolist() for layer, guess, true in pairs]

    return {"layers": [layer.name for layer in layers], "errors": errors(stored, actual), "floor": errors(*halves)}


def statistics_gap_table(runs: dict[str, list[RunRecord]], data: Cifar10) -> pd.DataFrame:
    """:func:`statistics_gap` of every run (variant, seed, layers, errors), cached per run."""
    return derived_table(runs, ANALYSIS, VERSION, lambda record: statistics_gap(record, data))


def _median(channels: list[list[float]]) -> float:
    """The median over all of a run's BatchNorm channels, whatever layer they belong to."""
    return float(np.median(np.concatenate([np.asarray(layer, dtype=float) for layer in channels])))


@dataclass
class StatisticsGap:
    """The runs' normalisation errors (``statistics_gap_table``) beside what recomputing the statistics adds to
    each run's full-test-set accuracy (``gains``: variant, seed, gain), and the sentences that read them."""

    table: pd.DataFrame
    gains: pd.DataFrame
    names: dict[str, str]

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: variant, seed, its median error, its sampling floor and its gain."""
        frame = self.table.assign(
            error=[_median(e) for e in self.table["errors"]], floor=[_median(e) for e in self.table["floor"]]
        )
        return frame.merge(self.gains, on=["variant", "seed"])[["variant", "seed", "error", "floor", "gain"]]

    def summary_text(self, variant: str) -> str:
        """How far a variant's stored statistics are off, against what sampling alone gives."""
        error, floor = column_of(self.runs, variant, "error"), column_of(self.runs, variant, "floor")
        if not len(error):
            return ""
        ratios = error / floor
        above = int((ratios > 1).sum())
        n = present.word(len(error))
        every = "the run" if len(error) == 1 else "both runs" if len(error) == 2 else f"all {n} runs"
        runs = every if above == len(error) else f"{present.word(above)} of the {n} runs"
        return (
            "Measured on the final weights, against the statistics those weights produce on the first training "
            "images, the stored averages put a channel's normalised value off by a median of "
            f"{present.num(float(np.median(error)))} of its standard deviation (seeds {present.num(error.min())} "
            f"to {present.num(error.max())}), where recomputations from either half of those images differ by "
            f"{present.num(float(np.median(floor)))}: in {runs} the stored statistics are further off than "
            f"sampling makes them ({present.num(ratios.min(), 0)} to {present.num(ratios.max(), 0)} times), so they "
            "do not match the weights they serve."
        )

    def relation_text(self) -> str:
        """Over all runs with BatchNorm: does the accuracy recomputing adds rise with the stored statistics' error?"""
        runs = self.runs
        if len(runs) < MIN_RUNS:
            return ""
        rho, p = scipy_stats.spearmanr(runs["error"], runs["gain"])
        stated = f"Spearman's ρ = {present.num(float(rho), 2)}, {present.p_value(float(p))}"
        over = f"Over the {present.count(len(runs))} runs with BatchNorm"
        if not p < ALPHA:
            return f"{over}, the accuracy recomputing adds is not shown to follow that error ({stated})."
        if rho < 0:
            return f"{over}, the accuracy recomputing adds falls as that error grows ({stated})."
        within = [scipy_stats.spearmanr(g["error"], g["gain"]).pvalue for _, g in runs.groupby("variant")]
        alone = (
            "; within either variant alone it is not shown, so it rests mostly on the difference between the variants"
            if len(within) > 1 and all(not q < ALPHA for q in within)
            else ""
        )
        return f"{over}, the accuracy recomputing adds rises with that error ({stated}){alone}."

    def seed_text(self, variant: str, seed: int) -> str:
        """Whether one seed's stored statistics are further off than its siblings', beside its gain."""
        runs = self.runs[self.runs["variant"] == variant]
        own, others = runs[runs["seed"] == seed], runs[runs["seed"] != seed]
        if own.empty or len(others) < 2:
            return ""
        error, gain = float(own["error"].iloc[0]), float(own["gain"].iloc[0])
        off = error > others["error"].max()
        gains_most = gain > others["gain"].max()
        reading = "further off than any other seed's" if off else "within the range of its other seeds'"
        stated = (
            f"Seed {seed}'s stored statistics are {reading} (normalisation error {present.num(error)}, against "
            f"{present.num(others['error'].min())} to {present.num(others['error'].max())}), "
            f"{'yet' if gains_most and not off else 'and'} recomputing them adds {present.points(gain)} pp to its "
            f"accuracy, against a median of {present.points(float(others['gain'].median()))} pp for the others"
        )
        if gains_most and not off:
            return (
                f"{stated}: what sets it apart is how much its predictions depend on those statistics, not their error."
            )
        return f"{stated}."
