"""How far BatchNorm's stored running statistics are from the statistics a run's final weights produce.

At test time each BatchNormalization channel computes ``(x - mean) / sd`` with its stored running averages.
With the statistics its input has once every BatchNorm layer is recomputed (``cnnlab.batchnorm.recalibrate``,
layer after layer on the first training images, so a deeper layer's input comes from recomputed layers), the
normalised value would have mean 0 and standard deviation 1; with the stored ones it is off by
``(true_mean - mean) / sd + (true_sd / sd - 1) z`` for a standard-normal ``z``, whose root mean square is the
channel's *normalisation error* (0: the stored statistics are right; 1: off by a whole standard deviation).
The errors are cached per run beside the runs (``cnnlab.derived``), like the recomputed accuracies. The
sampling floor compares two estimates from half the images each, so it is about twice the sampling error of the
error itself: a generous floor. (With ``epsilon`` inside both standard deviations, a channel whose input has
almost no variance left gets an error near 1 from its variance term; the medians over channels absorb a few.)
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

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: variant, seed, its median error, its sampling floor and its gain."""
        frame = self.table.assign(
            error=[_median(e) for e in self.table["errors"]], floor=[_median(e) for e in self.table["floor"]]
        )
        frame = frame.merge(self.gains, on=["variant", "seed"])[["variant", "seed", "error", "floor", "gain"]]
        return frame.dropna().reset_index(drop=True)

    def summary_text(self, variant: str) -> str:
        """How far a variant's stored statistics are off, against what sampling alone gives."""
        error, floor = column_of(self.runs, variant, "error"), column_of(self.runs, variant, "floor")
        if not len(error):
            return ""
        ratios = error / np.maximum(floor, np.finfo(float).tiny)
        above, n = int((ratios > 1).sum()), len(error)
        every = "the run" if n == 1 else "both runs" if n == 2 else f"all {present.word(n)} runs"
        runs = every if above == n else f"{present.word(above)} of the {present.word(n)} runs"
        facts = (
            "Measured on the final weights, against the statistics those weights produce on the first training "
            "images, the stored averages put a channel's normalised value off by a median of "
            f"{present.num(float(np.median(error)))} of its standard deviation (range over seeds "
            f"{present.num(error.min())} to {present.num(error.max())}), where recomputations from either half of "
            f"those images differ by {present.num(float(np.median(floor)))}"
        )
        if above == 0:
            return f"{facts}: in no run are the stored statistics further off than sampling makes them."
        times = f"{present.num(ratios[ratios > 1].min(), 1)} to {present.num(ratios.max(), 1)} times"
        verdict = ", so they do not match the weights they serve" if above == n else ""
        return f"{facts}: in {runs} the stored statistics are further off than sampling makes them ({times}){verdict}."

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
        groups = [g for _, g in runs.groupby("variant")]
        within = [scipy_stats.spearmanr(g["error"], g["gain"]).pvalue for g in groups if len(g) >= MIN_RUNS]
        alone = (
            "; within each variant alone it is not shown, so it rests mostly on the difference between the variants"
            if len(groups) > 1 and len(within) == len(groups) and all(not q < ALPHA for q in within)
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
        place = _place(error, others["error"])
        reading = {1: "further off than any other seed's", -1: "closer than any other seed's"}.get(
            place, "within the range of its other seeds'"
        )
        gain_place = _place(gain, others["gain"])
        # "yet" where the error does not stand out the way the gain does
        joint = "yet" if gain_place != 0 and place != gain_place else "and"
        stated = (
            f"Seed {seed}'s stored statistics are {reading} (normalisation error {present.num(error)}, against "
            f"{present.num(others['error'].min())} to {present.num(others['error'].max())}), {joint} recomputing them "
            f"changes its accuracy by {present.pp(gain, 1)} pp, against a median of "
            f"{present.pp(float(others['gain'].median()), 1)} pp for the others"
        )
        if gain_place == 1 and place != 1:
            return (
                f"{stated}: what sets it apart is how much its predictions depend on those statistics, not their error."
            )
        return f"{stated}."


def _place(value: float, others: pd.Series) -> int:
    """1 above all ``others``, -1 below all of them, 0 within their range."""
    return 1 if value > others.max() else -1 if value < others.min() else 0
