"""Q11-Q12 and their conclusion: the tiny VGG's first-layer filters before and after training, and ImageNet ResNet50's.

Each seed's filters are summarised by their median and compared with the same seed's initial weights, paired over
the seeds (independent draws, unlike the filters of one network); ResNet50's single median is compared with the
tiny VGG's per-seed medians, taken as a fixed value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from cnnlab import chance_sentences, features, present, sentences
from cnnlab.power import paired_detectable
from cnnlab.quiet import import_keras, import_tensorflow
from cnnlab.stats import Comparison, family, signed_rank_p
from cnnlab.train import initial_model

MEASURES = {"edge share": features.edge_share, "colour share": features.colour_share}
MOVED = 0.5  # a change half the initial weights' size or more: the layer did not stay as drawn


@dataclass
class Filters:
    """First-layer kernels (kh, kw, 3, filters): the tiny VGG's per seed, trained and initial, and ResNet50's."""

    trained: list[np.ndarray]
    initial: list[np.ndarray]
    resnet: np.ndarray
    redrawn_note: str = ""  # a caveat when the initial weights were drawn under another Keras than the runs

    @classmethod
    def of(cls, report: Any) -> Filters:
        """The kernels of every tiny VGG run of a ``chapter.Report`` and of its ImageNet ResNet50's ``conv1_conv``.
        The initial weights are drawn again from each run's ``init_seed``, as ``train.train_run`` drew them (this
        seeds Keras's, NumPy's and TensorFlow's global generators)."""
        records = report.results.runs["tiny_vgg"]
        trained = [features.first_layer_kernel(report.trained_model("tiny_vgg", i)) for i in range(len(records))]
        initial = [features.first_layer_kernel(initial_model(record.config)) for record in records]
        kernel = report.resnet50.get_layer("conv1_conv").get_weights()[0]
        return cls(trained, initial, np.asarray(kernel), redrawn_note(records))

    def per_seed(self, measure: str, initial: bool = False) -> list[np.ndarray]:
        """A measure of each seed's filters, trained or initial."""
        return [MEASURES[measure](k) for k in (self.initial if initial else self.trained)]

    def shares(self, measure: str, initial: bool = False) -> np.ndarray:
        """A measure of every filter of every seed, seed after seed: trained, or initial."""
        return np.concatenate(self.per_seed(measure, initial))

    def medians(self, measure: str, initial: bool = False) -> np.ndarray:
        """Each seed's median of a measure over its filters, trained or initial."""
        return np.array([np.median(values) for values in self.per_seed(measure, initial)])

    @cached_property
    def changes(self) -> dict[str, Comparison]:
        """Per measure: trained minus initial per-seed median, paired over the seeds; one Holm family over the
        measures (the paired t-test in ``welch_p``, Wilcoxon's signed-rank test in ``mannwhitney_p``)."""
        return family({m: (self.medians(m), self.medians(m, initial=True)) for m in MEASURES}, is_paired=True)

    def detectable(self, measure: str) -> float:
        """The mean change of a measure's per-seed median that these seeds detect with 80 % power."""
        return paired_detectable(self.medians(measure), self.medians(measure, initial=True))

    def change_text(self, measure: str) -> str:
        """How training moved a measure, with its interval, its tests and what the seeds could detect."""
        before, after = self.medians(measure, initial=True).mean(), self.medians(measure).mean()
        change = self.changes[measure]
        return sentences.training_change_text(measure, change, before, after, self.detectable(measure))

    @cached_property
    def movement(self) -> dict[str, np.ndarray]:
        """Per seed, how far training moved the layer's weights W from their initial W0 (Frobenius norms):
        ``change`` |W - W0| / |W0|, ``growth`` |W| / |W0|, and ``cosine`` <W, W0> / (|W| |W0|)."""
        norm = np.linalg.norm
        pairs = list(zip(self.trained, self.initial, strict=True))
        return {
            "change": np.array([norm(w - w0) / norm(w0) for w, w0 in pairs]),
            "growth": np.array([norm(w) / norm(w0) for w, w0 in pairs]),
            "cosine": np.array([float(np.sum(w * w0)) / (norm(w) * norm(w0)) for w, w0 in pairs]),
        }

    def movement_text(self) -> str:
        """Whether training moved the first layer far enough for its unchanged shares to mean something."""
        if len(self.trained) < 2:
            return ""
        m = {
            k: f"{present.num(float(v.mean()), 2)} ± {present.num(float(v.std(ddof=1)), 2)}"
            for k, v in self.movement.items()
        }
        change = self.movement["change"]
        moved = float(change.mean()) >= MOVED
        said = (
            f"Training {'moved' if moved else 'barely moved'} the layer: the change in its weights is {m['change']} "
            f"times the size of the initial weights (Frobenius norms; range over seeds "
            f"{present.num(float(change.min()), 2)} to {present.num(float(change.max()), 2)}); they grow to "
            f"{m['growth']} times their initial size and keep a cosine similarity of {m['cosine']} with the initial "
            "weights"
        )
        if moved:
            return f"{said}: whatever the shares show, the layer did not stay as drawn."
        return f"{said}: shares that stay as they were may only mean that the layer stayed close to its draw."

    def yardstick_text(self) -> str:
        """Q11: what random weights score on both measures, and whether the trained filters' edge-like count
        differs from chance."""
        kh, kw, channels, _ = self.trained[0].shape
        return chance_sentences.random_yardstick_text(
            self.per_seed("edge share"),
            self.per_seed("colour share"),
            self._random_edges,
            features.random_colour_share(kh, kw, channels),
            (kh, kw),
        )

    @property
    def _random_edges(self) -> Any:
        """The edge share's distribution for random weights of this kernel's window (a frozen scipy Beta)."""
        return features.random_edge_share(*self.trained[0].shape[:2])

    @property
    def resnet_colour(self) -> float:
        """The median colour share of ResNet50's first-layer filters (the same in BGR or RGB order)."""
        return float(np.median(features.colour_share(self.resnet)))

    @cached_property
    def resnet_colour_p(self) -> float:
        """Wilcoxon's signed-rank test of the tiny VGG's per-seed median colour shares against ResNet50's median."""
        differences = self.medians("colour share") - self.resnet_colour
        return signed_rank_p(differences) if len(differences) > 1 else float("nan")

    def resnet_text(self) -> str:
        """Q12: whether ResNet50's first-layer filters are greyer or more coloured than the tiny VGG's."""
        return sentences.colour_comparison(
            "ImageNet ResNet50",
            "tiny VGG",
            self.resnet_colour,
            self.medians("colour share"),
            self.resnet_colour_p,
        )

    def conclusion_text(self) -> str:
        """The conclusions' sentence on Q11-Q12: what training changed in the first layer; how ResNet50's differs."""
        said = [sentences.training_change_brief(m, c, self.detectable(m)) for m, c in self.changes.items()]
        chance = chance_sentences.edge_chance_brief(self.per_seed("edge share"), self._random_edges)
        return (
            f"In the tiny VGG's first-layer filters (@sec-q11), training {' and '.join(said)}, seed by seed, and "
            f"{chance}; as @sec-q12 shows, {self.resnet_text()}."
        )


def redrawn_note(records: list[Any]) -> str:
    """Nothing when every run was trained under the Keras and TensorFlow installed now, which draw its initial
    weights again; else a sentence naming the versions, since another version's initialisers may draw others."""
    installed = {"Keras": import_keras().__version__, "TensorFlow": import_tensorflow().__version__}
    trained = {
        f"{name} {version}"
        for record in records
        for name in installed
        if (version := record.metadata.get("versions", {}).get(name.lower())) and version != installed[name]
    }
    if not trained:
        return ""
    return (
        f" The initial weights were drawn again with {' and '.join(f'{k} {v}' for k, v in installed.items())}; some "
        f"runs were trained with {', '.join(sorted(trained))}, whose initialisers may draw other weights."
    )
