"""The seed study (Q9, Q13): runs that take apart what the seed fixes, beside the protocol's runs.

In a protocol run the seed fixes both the initial weights and the order of the training images,
and Keras repeats that order at every epoch. Each group below changes one of these, for seeds
0-9 like the protocol: the initial weights alone (order seed 0), the order alone (initial weights
of seed 0), and a new order at every epoch, for the tiny VGG and for its BatchNorm variant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cnnlab.config import RunConfig


@dataclass(frozen=True)
class Group:
    """One group of the study: a variant and the fields that set its runs apart from the protocol's."""

    name: str  # what `cnnlab sweep --study` and the report call it
    title: str  # a few words for tables and figures
    variant: str
    fixed: dict[str, Any] = field(default_factory=dict)  # fields set for every seed

    def config(self, seed: int, **protocol: Any) -> RunConfig:
        """The group's run for ``seed``; ``protocol`` overrides epochs, train_subset and the like."""
        return RunConfig(self.variant, seed, **{**protocol, **self.fixed})


FIXED_SEED = 0  # the seed held fixed while the other varies
GROUPS = (
    Group("init", "initialisation alone", "tiny_vgg", {"order_seed": FIXED_SEED}),
    Group("order", "order alone", "tiny_vgg", {"init_seed": FIXED_SEED}),
    Group("reshuffled", "new order every epoch", "tiny_vgg", {"shuffle": "every_epoch"}),
    Group("reshuffled_bn", "new order every epoch", "tiny_vgg_bn", {"shuffle": "every_epoch"}),
)
STUDIES = {"seeds": GROUPS}


def study_configs(study: str, seeds: Iterable[int], **protocol: Any) -> list[RunConfig]:
    """Every run of ``study``, seed-major (each group's seed 0, then seed 1, ...), without repeats.

    A group's run can be a protocol run (the initialisation group at seed 0 is protocol seed 0).
    """
    configs: list[RunConfig] = []
    for seed in seeds:
        for group in STUDIES[study]:
            config = group.config(seed, **protocol)
            if config not in configs:
                configs.append(config)
    return configs
