"""`cnnlab status`: groups per configuration, and precision compared with float32 by the report's statistics."""

import pytest

from cnnlab.stats import compare
from cnnlab.status import group_summary, precision_comparisons


def _row(variant: str, seed: int, accuracy: float, precision: str = "float32", seconds: float = 6.0) -> dict:
    return {
        "variant": variant,
        "seed": seed,
        "epochs": 100,
        "train_subset": None,
        "precision": precision,
        "seeding": "seed",
        "state": "done",
        "test_accuracy": accuracy,
        "test_loss": 1.0,
        "test_exact_accuracy": accuracy,
        "median_epoch_seconds": seconds,
        "folder": f"{variant}-{seed}-{precision}",
        "problem": None,
    }


F32 = [0.63, 0.64, 0.62, 0.65]
BF16 = [0.60, 0.61, 0.62]


def test_groups_split_by_precision():
    rows = [_row("tiny_vgg", s, a) for s, a in enumerate(F32)]
    rows += [_row("tiny_vgg", s, a, "mixed_bfloat16", 4.0) for s, a in enumerate(BF16)]
    rows.append({**_row("tiny_vgg", 9, 0.1), "state": "corrupt"})
    summary = {s["precision"]: s for s in group_summary(rows)}
    assert summary["float32"]["n"] == 4 and summary["mixed_bfloat16"]["n"] == 3
    assert summary["float32"]["mean_test_accuracy"] == pytest.approx(sum(F32) / 4)


def test_precision_comparison_uses_welch_and_levene():
    rows = [_row("tiny_vgg", s, a) for s, a in enumerate(F32)]
    rows += [_row("tiny_vgg", s, a, "mixed_bfloat16", 4.0) for s, a in enumerate(BF16)]
    rows += [_row("tiny_resnet", 0, 0.6, "mixed_bfloat16")]  # no float32 reference: not compared
    (line,) = precision_comparisons(group_summary(rows))
    c = compare(BF16, F32[:3])  # float32 seed 3 has no bfloat16 twin: left out
    assert line.startswith("tiny_vgg mixed_bfloat16 vs float32, 100 epochs, the same 3 seeds (0, 1, 2)")
    assert f"{c.difference * 100:+.2f} pp".replace("-", "\u2212") in line
    assert f"p = {c.welch_p:.3f}" in line and "1.50x" in line


def test_single_runs_are_not_compared():
    rows = [_row("tiny_vgg", 0, 0.6), _row("tiny_vgg", 0, 0.6, "mixed_bfloat16")]
    assert precision_comparisons(group_summary(rows)) == []
    disjoint = [_row("tiny_vgg", s, 0.6 + s / 100) for s in (0, 1)]
    disjoint += [_row("tiny_vgg", s, 0.6 + s / 100, "mixed_bfloat16") for s in (2, 3)]
    assert precision_comparisons(group_summary(disjoint)) == []
