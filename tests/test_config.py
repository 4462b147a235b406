"""RunConfig validation and seed ranges."""

import pytest

from cnnlab.config import RunConfig, parse_seeds
from cnnlab.errors import ConfigError, UnknownVariantError


def test_defaults_are_the_assignments_protocol():
    config = RunConfig("tiny_vgg", 0)
    assert (config.epochs, config.batch_size, config.validation_split) == (100, 128, 0.3)
    assert (config.learning_rate, config.width, config.precision) == (0.001, 10, "float32")
    assert config.is_protocol and not RunConfig("tiny_vgg", 0, epochs=1).is_protocol


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seed": -1},
        {"epochs": 0},
        {"batch_size": 0},
        {"validation_split": 1.0},
        {"learning_rate": 0},
        {"train_subset": 5},
        {"precision": "float16"},
        {"seed": "3"},
        {"width": 2.5},
    ],
)
def test_bad_values_are_config_errors(kwargs):
    with pytest.raises(ConfigError):
        RunConfig(**{"variant": "tiny_vgg", "seed": 0, **kwargs})


def test_unknown_variant_lists_known_ones():
    with pytest.raises(UnknownVariantError, match="tiny_vgg, tiny_vgg_bn, tiny_vgg_3blocks, tiny_resnet"):
        RunConfig("resnet50", 0)


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ConfigError, match="unknown run parameter"):
        RunConfig.from_dict({"variant": "tiny_vgg", "seed": 0, "sed": 1})
    assert RunConfig.from_dict(RunConfig("tiny_resnet", 4).to_dict()) == RunConfig("tiny_resnet", 4)


@pytest.mark.parametrize(("text", "seeds"), [("0-9", list(range(10))), ("3", [3]), ("0-2,7,1", [0, 1, 2, 7])])
def test_parse_seeds(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a-b", "5-2", "-1", "1..3"])
def test_bad_seed_ranges(text):
    with pytest.raises(ConfigError, match="seed range"):
        parse_seeds(text)
