"""The benchmark on a tiny setting: its JSON schema, and that speed-ups keep results equal."""

import json

from cnnlab.bench import format_bench
from tests.conftest import cli


def test_bench_json_schema_and_equal_losses(env):
    result = cli(
        "bench",
        "--variants",
        "tiny_vgg_bn",
        "--epochs",
        "2",
        "--train-subset",
        "300",
        "--workers",
        "2",
        "--json",
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert [r["variant"] for r in report["variants"]] == ["tiny_vgg_bn"]
    for row in report["variants"]:
        assert {"variant", "baseline_s_per_epoch", "cnnlab_s_per_epoch", "speedup"} <= set(row)
        assert row["baseline_s_per_epoch"] > 0 and row["cnnlab_s_per_epoch"] > 0
        # The same seed through a plain fit and through cnnlab's path: the same training losses.
        assert row["max_loss_difference"] == 0.0
    sweep = report["sweep"]
    assert {"baseline_epochs_per_hour", "cnnlab_epochs_per_hour", "speedup"} <= set(sweep)
    assert sweep["workers"] == 2 and sweep["cnnlab_epochs_per_hour"] > 0
    # The table the README shows is the measured report: one row per variant with its speed-up and loss check.
    table = format_bench(report)
    for row in report["variants"]:
        line = next(line for line in table.splitlines() if line.startswith(f"| {row['variant']} |"))
        assert f"{row['speedup']:.2f}" in line and f"{row['max_loss_difference']:.1e}" in line
    assert f"speed-up {sweep['speedup']:.2f}" in table


def test_flop_count_of_tiny_vgg():
    from cnnlab.bench import forward_flops
    from cnnlab.models import build_model

    # conv1 2*32*32*9*3*10, conv2 2*32*32*9*10*10, block 2 convs 2*16*16*9*10*10 each, dense 2*640*10
    expected = 2 * (1024 * 270 + 1024 * 900 + 2 * 256 * 900 + 6400)
    assert forward_flops(build_model("tiny_vgg")) == expected
