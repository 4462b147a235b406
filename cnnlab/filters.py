"""Q11-Q12 and their conclusion: the tiny VGG's first-layer filters before and after training, and ImageNet ResNet50's.

Each seed's filters are compared with the same seed's initial weights through per-seed medians, and with ResNet50's
filters likewise: the seeds are independent draws, the filters of one network are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from cnnlab import features, present, sentences
from cnnlab.stats import ALPHA, Comparison, paired
from cnnlab.train import initial_model

MEASURES = {"edge share": features.edge_share, "colour share": features.colour_share}


@dataclass
class Filters:
    """First-layer kernels (kh, kw, 3, filters): the tiny VGG's per seed, trained and initial, and ResNet50's."""

    trained: list[np.ndarray]
    initial: list[np.ndarray]
    resnet: np.ndarray
    resnet_bias: np.ndarray

    @classmethod
    def of(cls, report: Any) -> Filters:
        """The kernels of every tiny VGG run of a ``chapter.Report`` and of ImageNet ResNet50's ``conv1_conv``."""
        records = report.results.runs["tiny_vgg"]
        trained = [features.first_layer_kernel(report.trained_model("tiny_vgg", i)) for i in range(len(records))]
        initial = [features.first_layer_kernel(initial_model(record.config)) for record in records]
        kernel, bias = features.load_resnet50().get_layer("conv1_conv").get_weights()
        return cls(trained, initial, np.asarray(kernel), np.asarray(bias))

    def shares(self, measure: str) -> np.ndarray:
        """A measure of every trained filter of every seed, seed after seed."""
        return np.concatenate([MEASURES[measure](k) for k in self.trained])

    def medians(self, measure: str, initial: bool = False) -> np.ndarray:
        """Each seed's median of a measure over its filters, trained or initial."""
        return np.array([np.median(MEASURES[measure](k)) for k in (self.initial if initial else self.trained)])

    @cached_property
    def changes(self) -> dict[str, Comparison]:
        """Per measure: trained minus initial per-seed median, paired over the seeds (Wilcoxon in ``mannwhitney_p``)."""
        return {m: paired(self.medians(m), self.medians(m, initial=True)) for m in MEASURES}

    def change_text(self, measure: str) -> str:
        """How training moved a measure, with its interval and test."""
        before, after = self.medians(measure, initial=True), self.medians(measure)
        return sentences.training_change_text(measure, self.changes[measure], np.median(before), np.median(after))

    @cached_property
    def resnet_colour_p(self) -> float:
        """Wilcoxon's signed-rank test of the tiny VGG's per-seed median colour shares against ResNet50's median."""
        seeds = self.medians("colour share")
        return paired(seeds, np.full_like(seeds, self.resnet_colour)).mannwhitney_p

    @property
    def resnet_colour(self) -> float:
        """The median colour share of ResNet50's first-layer filters (the same in BGR or RGB order)."""
        return float(np.median(features.colour_share(self.resnet)))

    def conclusion_text(self) -> str:
        """The conclusions' sentence on Q11-Q12: what training changed in the first layer; how ResNet50's differs."""
        said = []
        for measure, c in self.changes.items():
            if c.mannwhitney_p < ALPHA:
                interval = f"[{present.num(c.ci_low, 2)}, {present.num(c.ci_high, 2)}]"
                verb = "raised" if c.difference > 0 else "lowered"
                said.append(
                    f"{verb} the {measure} by {present.num(abs(c.difference), 2)} ({present.INTERVAL} {interval})"
                )
            else:
                said.append(f"left the {measure} where the initialisation put it (no detectable change)")
        resnet = sentences.colour_comparison(
            "ImageNet ResNet50", "tiny VGG", self.resnet_colour, self.medians("colour share"), self.resnet_colour_p
        )
        return (
            f"In the tiny VGG's first-layer filters (@sec-q11), training {' and '.join(said)}, seed by seed; as "
            f"@sec-q12 shows, {resnet}."
        )
