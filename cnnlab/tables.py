"""The report's markdown tables, built from the run table, layer rows and statistics already computed.

Every function returns a pipe table (``present.markdown_table``) or a pandoc block as a string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cnnlab import present
from cnnlab.data import EXACT_TEST_IMAGES
from cnnlab.evidence_tables import median_iqr
from cnnlab.sentences import MAP_STRONG, map_follows
from cnnlab.stats import Comparison, summarize

EXACT_COLUMN = f"exact first {present.count(EXACT_TEST_IMAGES)}"
COMPARISON_COLUMNS = (
    "difference (pp)",
    present.INTERVAL,
    "Welch p (Holm)",
    "Mann–Whitney p (Holm)",
    "Hedges' g",
    "std ratio",
    "Levene p (Holm)",
)


def banner(missing: Sequence[tuple[str, int]], total: int) -> str:
    """A warning block naming the missing runs ("" when none is missing)."""
    if not missing:
        return ""
    names = ", ".join(f"{v} seed {s}" for v, s in missing)
    return (
        f"::: {{.warning}}\n**Incomplete report.** {len(missing)} of {total} runs are missing ({names}); "
        "every statistic below uses the runs that exist, and its n says how many.\n:::"
    )


ACTIVATIONS = {"relu": "ReLU", "softmax": "softmax"}  # as the layer tables name what a layer applies itself


def layers(rows: Sequence[Mapping]) -> str:
    """A variant's layers (``models.layer_table`` rows): name, type with the activation it applies itself, the
    window it slides, output shape, parameters, and the total."""
    frame = pd.DataFrame(
        {
            "layer": [r["layer"] for r in rows],
            "type": [" + ".join(filter(None, (r["type"], ACTIVATIONS.get(r.get("activation", ""), "")))) for r in rows],
            "window": [" × ".join(map(str, r.get("window", ()))) for r in rows],
            "output shape": [" × ".join(map(str, r["output_shape"])) for r in rows],
            "parameters": [present.count(r["parameters"]) for r in rows],
        }
    )
    total = sum(r["parameters"] for r in rows)
    frame.loc[len(frame)] = ["**total**", "", "", "", f"**{present.count(total)}**"]
    return present.markdown_table(frame, ["l", "l", "c", "r", "r"])


def _follows(r: tuple[float, float]) -> str:
    if any(x != x for x in r):  # NaN: a constant map, as map_reading_text leaves it out
        return "is constant"
    return map_follows(r) or f"neither reaches {present.num(MAP_STRONG, 1)}"


def map_follow(found: Mapping[str, tuple[float, float]]) -> str:
    """Q10: per layer, Pearson's r of one filter's map with the image's brightness and with its edge strength, and
    what the map follows (``sentences.map_follows``); "–" where the map is constant."""

    def r(value: float) -> str:
        return "–" if value != value else present.num(value, 2)  # NaN: no correlation with a constant

    frame = pd.DataFrame(
        {
            "layer": [f"`{name}`" for name in found],
            "r, brightness": [r(pair[0]) for pair in found.values()],
            "r, edge strength": [r(pair[1]) for pair in found.values()],
            "the map": [_follows(pair) for pair in found.values()],
        }
    )
    return present.markdown_table(frame, ["l", "r", "r", "l"])


def _pm(values: pd.Series) -> str:
    return present.pm(summarize(values.to_numpy(dtype=float)), with_n=False)


def summary(table: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """One row per variant of the run table: parameters, accuracies over seeds (mean ± std, median and
    interquartile range), speed, epoch of lowest validation loss (or best validation accuracy), and the final
    weights' training - validation gap in inference mode when the table has it (``gap_inference``)."""
    rows = []
    for variant, t in table.groupby("variant", sort=False):
        rows.append(
            {
                "variant": labels.get(variant, variant),
                "seeds (n)": str(len(t)),
                **_parameter_columns(t),
                "test accuracy, full set": _pm(t["test_accuracy"]),
                "median [IQR]": median_iqr(t["test_accuracy"]),
                EXACT_COLUMN: _pm(t["test_exact_accuracy"]),
                "s / epoch": present.num(t["median_epoch_seconds"].mean(), 1),
                **_stopping_column(t),
                **_gap_column(t),
            }
        )
    return present.markdown_table(pd.DataFrame(rows))


def _parameter_columns(t: pd.DataFrame) -> dict[str, str]:
    """Trainable and non-trainable (BatchNormalization's running statistics) weights, when the table has both."""
    total = int(t["parameters"].iloc[0])
    if "trainable_parameters" not in t:
        return {"parameters": present.count(total)}
    trainable = int(t["trainable_parameters"].iloc[0])
    return {"trainable": present.count(trainable), "non-trainable": present.count(total - trainable)}


def _gap_column(t: pd.DataFrame) -> dict[str, str]:
    """The training - validation gap of the final weights in inference mode (mean ± std, pp), when known."""
    if "gap_inference" not in t:
        return {}
    s = summarize(t["gap_inference"].to_numpy(dtype=float))
    return {"train − val. gap (pp)": present.points(s.mean, 2) + (f" ± {present.points(s.std, 2)}" if s.n > 1 else "")}


def _stopping_column(t: pd.DataFrame) -> dict[str, str]:
    """The epoch of lowest validation loss (mean ± std) when the run table has it, else best validation accuracy."""
    if "min_val_loss_epoch" in t:
        s = summarize(t["min_val_loss_epoch"].to_numpy(dtype=float))
        return {"min. val. loss epoch": present.num(s.mean, 0) + (f" ± {present.num(s.std, 0)}" if s.n > 1 else "")}
    return {"best val. acc. epoch": present.num(t["best_val_epoch"].mean(), 0)}


def p_pair(raw: float, adjusted: float) -> str:
    """A p-value and its Holm-adjusted value, for a table cell: "0.042 (0.127)", "< 0.001 (< 0.001)"."""
    bare = lambda p: "n/a" if p != p else ("< 0.001" if p < 0.001 else f"{p:.3f}")  # noqa: E731
    return bare(raw) if adjusted != adjusted else f"{bare(raw)} ({bare(adjusted)})"


def comparisons(rows: Sequence[tuple[str, str, str, Comparison | None]]) -> str:
    """Each variant against the baseline: (label, test images, "n vs n", comparison with its family's Holm
    p-values, or None when it cannot be made)."""
    frame = []
    for label, images, n, c in rows:
        head = {"variant": label, "test images": images, "n": n}
        if c is None:
            frame.append({**head, **dict.fromkeys(COMPARISON_COLUMNS, "n/a")})
            continue
        values = (
            present.pp(c.difference),
            present.ci(c),
            p_pair(c.welch_p, c.holm_welch_p),
            p_pair(c.mannwhitney_p, c.holm_mannwhitney_p),
            present.num(c.hedges_g, 2),
            present.num(c.std_ratio, 2),
            p_pair(c.levene_p, c.holm_levene_p),
        )
        frame.append({**head, **dict(zip(COMPARISON_COLUMNS, values, strict=True))})
    return present.markdown_table(pd.DataFrame(frame))


def seeds(runs: pd.DataFrame) -> str:
    """One variant's runs, one row per seed, and a bold row of mean ± std for every column."""
    frame = pd.DataFrame(
        {
            "seed": runs["seed"].astype(str),
            "test accuracy": runs["test_accuracy"].map(present.pct),
            f"exact {present.count(EXACT_TEST_IMAGES)}": runs["test_exact_accuracy"].map(present.pct),
            "test loss": runs["test_loss"].map(present.num),
            "best val. acc. epoch": runs["best_val_epoch"].astype(str),
        }
    )
    frame.loc[len(frame)] = [
        f"**mean ± std (n = {len(runs)})**",
        f"**{_pm(runs['test_accuracy'])}**",
        _pm(runs["test_exact_accuracy"]),
        f"{present.num(runs['test_loss'].mean())} ± {present.num(runs['test_loss'].std(), 3)}",
        f"{present.num(runs['best_val_epoch'].mean(), 0)} ± {present.num(runs['best_val_epoch'].std(), 0)}",
    ]
    return present.markdown_table(frame)


def runs(table: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """Every run: variant, seed, test accuracy, seconds per epoch, minutes, and the epochs it was resumed after."""
    resumed = table["resumed_at"] if "resumed_at" in table else pd.Series([[]] * len(table), index=table.index)
    frame = pd.DataFrame(
        {
            "variant": table["variant"].map(lambda v: labels.get(v, v)),
            "seed": table["seed"].astype(str),
            "test accuracy": table["test_accuracy"].map(present.pct),
            "s / epoch": table["median_epoch_seconds"].map(lambda s: present.num(s, 1)),
            "duration (min)": table["duration_s"].map(lambda s: present.num(s / 60, 1)),
            "resumed after epoch": resumed.map(lambda epochs: ", ".join(map(str, epochs)) or "–"),
        }
    )
    return present.markdown_table(frame)
