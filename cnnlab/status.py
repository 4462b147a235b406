"""What `cnnlab status` shows: every cached run, and mean ± std test accuracy per configuration."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnlab import present
from cnnlab.cache import RunCache, RunRecord
from cnnlab.checkpoint import unfinished_runs
from cnnlab.config import RunConfig
from cnnlab.stats import compare, summarize

DEFAULT_PRECISION = RunConfig.__dataclass_fields__["precision"].default


def seeding(config: RunConfig) -> str:
    """What the seed fixes in a run, in a few characters: "seed" for the protocol's runs."""
    parts = [
        f"init {config.init_seed}" if config.init_seed != config.seed else "",
        f"order {config.order_seed}" if config.order_seed != config.seed else "",
        "reshuffled" if config.shuffle != "keras" else "",
        f"{config.threads} threads" if config.threads != 1 else "",
    ]
    return ", ".join(p for p in parts if p) or "seed"


RUN_FIELDS = ("variant", "seed", "epochs", "train_subset", "precision", "init_seed", "order_seed", "shuffle", "threads")


def run_rows(records: list[RunRecord]) -> list[dict[str, Any]]:
    """One JSON-able row per run folder (done or corrupt)."""
    rows = []
    for record in records:
        config, metrics = record.config, record.metrics
        rows.append(
            {
                **{name: getattr(config, name) if config else None for name in RUN_FIELDS},
                "seeding": seeding(config) if config else None,
                "state": record.state,
                "test_accuracy": metrics.get("test_accuracy"),
                "test_loss": metrics.get("test_loss"),
                "test_exact_accuracy": metrics.get("test_exact_accuracy"),
                "median_epoch_seconds": record.median_epoch_seconds() if record.state == "done" else None,
                "folder": record.path.name,
                "problem": record.problem or None,
            }
        )
    return rows


def group_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean ± std (ddof=1) of test accuracy per (variant, epochs, subset, precision), over done runs."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        if row["state"] == "done":
            key = (row["variant"], row["epochs"], row["train_subset"], row["precision"], row["seeding"])
            groups.setdefault(key, []).append(row)
    summary = []
    for (variant, epochs, subset, precision, fixed), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        acc = summarize([m["test_accuracy"] for m in members])
        exact = summarize([m["test_exact_accuracy"] for m in members])
        summary.append(
            {
                "variant": variant,
                "epochs": epochs,
                "train_subset": subset,
                "precision": precision,
                "seeding": fixed,
                "n": acc.n,
                "seeds": sorted(m["seed"] for m in members),
                "mean_test_accuracy": acc.mean,
                "std_test_accuracy": acc.std if acc.n > 1 else None,
                "mean_test_exact_accuracy": exact.mean,
                "std_test_exact_accuracy": exact.std if exact.n > 1 else None,
                "mean_median_epoch_seconds": float(np.mean([m["median_epoch_seconds"] for m in members])),  # of medians
                "by_seed": {m["seed"]: (m["test_accuracy"], m["median_epoch_seconds"]) for m in members},
            }
        )
    return summary


def precision_comparisons(summary: list[dict[str, Any]]) -> list[str]:
    """Each group run at another precision against the same settings and seeds in float32 (the report's statistics).

    Only the seeds run at both precisions are compared, so that more float32 seeds do not mix a seed
    effect into the precision effect.
    """
    by_key = {(s["variant"], s["epochs"], s["train_subset"], s["precision"], s["seeding"]): s for s in summary}
    lines = []
    for (variant, epochs, subset, precision, fixed), group in by_key.items():
        reference = by_key.get((variant, epochs, subset, DEFAULT_PRECISION, fixed))
        if precision == DEFAULT_PRECISION or reference is None:
            continue
        seeds = sorted(set(group["by_seed"]) & set(reference["by_seed"]))
        if len(seeds) < 2:
            continue
        (acc, sec), (ref_acc, ref_sec) = (
            zip(*(g["by_seed"][seed] for seed in seeds), strict=True) for g in (group, reference)
        )
        c = compare(list(acc), list(ref_acc))
        lines.append(
            f"{variant} {precision} vs {DEFAULT_PRECISION}, {epochs} epochs, the same {len(seeds)} seeds "
            f"({', '.join(map(str, seeds))}): {present.pp(c.difference)} pp, 95 % interval {present.ci(c)}, "
            f"Welch {present.p_value(c.welch_p)}, Hedges' g {present.num(c.hedges_g, 2)}, "
            f"std ratio {present.num(c.std_ratio, 2)}, Levene {present.p_value(c.levene_p)}; "
            f"{present.num(float(np.mean(ref_sec)) / float(np.mean(sec)), 2)}x the float32 epochs' speed"
        )
    return lines


def _pm(mean: float, std: float | None, scale: float = 100.0) -> str:
    return f"{mean * scale:.2f} ± {std * scale:.2f}" if std is not None else f"{mean * scale:.2f} (n=1)"


def format_status(cache: RunCache) -> str:
    """The human-readable status table."""
    rows = run_rows(cache.scan())
    unfinished = [
        f"{name}: " + (f"saved after epoch {epochs}" if epochs is not None else "unreadable, the run will start again")
        for name, epochs in unfinished_runs(cache)
    ]
    if unfinished:
        heading = "unfinished runs (running now, or interrupted: the next sweep resumes them from their checkpoint):"
        unfinished = ["", heading, *unfinished]
    if not rows:
        return "\n".join([f"no runs in {cache.root}", *unfinished])
    lines = [
        f"runs in {cache.root}:",
        f"{'variant':18} {'seed':>4} {'epochs':>6} {'subset':>7} {'precision':>14} {'seeding':>16} "
        f"{'test acc %':>10} {'median s/epoch':>8}",
    ]
    for r in rows:
        if r["state"] != "done":
            lines.append(f"{r['folder']}: corrupt ({r['problem']}); the next sweep redoes it")
            continue
        lines.append(
            f"{r['variant']:18} {r['seed']:>4} {r['epochs']:>6} {r['train_subset'] or 'all':>7} "
            f"{r['precision']:>14} {r['seeding']:>16} {r['test_accuracy'] * 100:>10.2f} "
            f"{r['median_epoch_seconds']:>8.2f}"
        )
    lines += [
        "",
        "test accuracy per configuration, mean ± std over seeds (%; seeding: what the seed does not vary):",
        f"{'variant':18} {'epochs':>6} {'subset':>7} {'precision':>14} {'seeding':>16} {'n':>3} "
        f"{'full test set':>15} {'exact 1,000':>15} {'median s/epoch':>8}",
    ]
    summary = group_summary(rows)
    for s in summary:
        lines.append(
            f"{s['variant']:18} {s['epochs']:>6} {s['train_subset'] or 'all':>7} {s['precision']:>14} "
            f"{s['seeding']:>16} {s['n']:>3} "
            f"{_pm(s['mean_test_accuracy'], s['std_test_accuracy']):>15} "
            f"{_pm(s['mean_test_exact_accuracy'], s['std_test_exact_accuracy']):>15} "
            f"{s['mean_median_epoch_seconds']:>8.2f}"
        )
    comparisons = precision_comparisons(summary)
    if comparisons:
        lines += ["", "precision against float32 (test accuracy; Welch, Levene as in the report):", *comparisons]
    return "\n".join(lines + unfinished)
