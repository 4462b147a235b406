"""The frozen run configuration: every field that changes what a run computes, and nothing else."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from cnnlab.errors import ConfigError

# Bump when a change alters what a run computes (batch order, initialisation, metrics recorded):
# it is part of every cache key, so older runs are no longer found and are redone.
PROTOCOL_VERSION = 1

PRECISIONS = ("float32", "mixed_bfloat16")
SHUFFLES = ("keras", "every_epoch")
# Fields added after the first protocol runs, with the value those runs had: a field at that value is
# left out of the cache key (cache.run_key), so the committed runs keep their keys. init_seed and
# order_seed equal to seed are left out the same way.
LATER_FIELDS = {"shuffle": "keras", "threads": 1}


@dataclass(frozen=True)
class RunConfig:
    """One training run of the practical's protocol (Q6): the cache key is a hash of these fields."""

    variant: str  # model builder name in cnnlab.models.VARIANTS
    seed: int  # the run's seed; >= 0; init_seed and order_seed default to it
    epochs: int = 100  # passes over the training part; the assignment asks for 100
    batch_size: int = 128  # images per gradient step; the assignment asks for 128
    validation_split: float = 0.3  # last fraction of the training arrays held out (Keras semantics)
    learning_rate: float = 0.001  # Adam step size; Keras's default
    width: int = 10  # filters per convolution; 10 as in CNN Explainer's tiny VGG
    train_subset: int | None = None  # use only the first K training images (quick runs); None = all
    precision: str = "float32"  # Keras dtype policy: "float32" or "mixed_bfloat16"
    init_seed: int | None = None  # seeds the initial weights; None (the default) means seed
    order_seed: int | None = None  # seeds the order of the training images; None (the default) means seed
    # "keras": fit(shuffle=True), which under a seed repeats one permutation every epoch (the protocol);
    # "every_epoch": a new permutation of the training part per epoch, from order_seed and the epoch.
    shuffle: str = "keras"
    threads: int = 1  # TensorFlow threads per pool: float sums, hence results, depend on it

    def __post_init__(self) -> None:
        from cnnlab.models import check_variant

        check_variant(self.variant)
        for name in ("init_seed", "order_seed"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, self.seed)
        for name in ("seed", "epochs", "batch_size", "width", "init_seed", "order_seed", "threads"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{name} must be an integer, got {value!r}")
        for name in ("seed", "init_seed", "order_seed"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("epochs", "batch_size", "width", "threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not isinstance(self.validation_split, (int, float)) or not 0 < self.validation_split < 1:
            raise ConfigError(f"validation_split must be between 0 and 1, got {self.validation_split!r}")
        if not isinstance(self.learning_rate, (int, float)) or self.learning_rate <= 0:
            raise ConfigError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        if self.train_subset is not None and (
            not isinstance(self.train_subset, int) or isinstance(self.train_subset, bool) or self.train_subset < 10
        ):
            raise ConfigError(f"train_subset must be None or an integer >= 10, got {self.train_subset!r}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if self.shuffle not in SHUFFLES:
            raise ConfigError(f"shuffle must be one of {', '.join(SHUFFLES)}, got {self.shuffle!r}")
        object.__setattr__(self, "validation_split", float(self.validation_split))
        object.__setattr__(self, "learning_rate", float(self.learning_rate))

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain JSON-able values."""
        return asdict(self)

    def key_fields(self) -> dict[str, Any]:
        """The fields the cache key hashes: all, except later fields at the value the first runs had."""
        values = self.to_dict()
        for name in ("init_seed", "order_seed"):
            if values[name] == self.seed:
                del values[name]
        for name, first in LATER_FIELDS.items():
            if values[name] == first:
                del values[name]
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunConfig:
        """Build from a mapping; unknown keys are errors, not warnings (missing ones take their defaults)."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ConfigError(f"unknown run parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        return cls(**values)

    @property
    def is_protocol(self) -> bool:
        """True when this is the assignment's full protocol (not a quick or modified run)."""
        defaults = RunConfig(self.variant, self.seed)
        return self == defaults


def config_fields() -> tuple[str, ...]:
    """Names of the RunConfig fields, in declaration order."""
    return tuple(f.name for f in fields(RunConfig))


def parse_seeds(text: str) -> list[int]:
    """Parse a seed list such as "0-9", "0,2,5" or "0-4,7" into sorted unique integers."""
    seeds: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ConfigError(f"bad seed range {text!r}: use forms like 0-9, 3 or 0,2,5")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
        if high < low:
            raise ConfigError(f"bad seed range {part!r}: the end is below the start")
        seeds.update(range(low, high + 1))
    return sorted(seeds)


def format_seeds(seeds: list[int] | tuple[int, ...]) -> str:
    """The shortest seed list ``parse_seeds`` reads back: [0, 1, 2, 5] -> "0-2,5"."""
    parts: list[str] = []
    for seed in sorted(set(seeds)):
        if parts and parts[-1].split("-")[-1] == str(seed - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{seed}"
        else:
            parts.append(str(seed))
    return ",".join(parts)
