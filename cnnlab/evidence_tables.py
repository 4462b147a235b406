"""Markdown tables of the evidence behind the report's claims, from the derived-result frames.

Each function takes a frame with one row per run (``variant``, ``seed`` and the analysis's columns, as
``jpeg.jpeg_table``, ``batchnorm_modes.modes_table`` and ``early_stopping.stopping_table`` return them)
and returns a pipe table with one row per variant: mean ± std over its seeds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from cnnlab import present
from cnnlab.stats import summarize


def _pm(values: pd.Series, scale: float = 100, digits: int = 2) -> str:
    """Mean ± std of a column (× ``scale``), "n/a" when the column has no values."""
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if not len(x):
        return "n/a"
    s = summarize(x)
    if s.n < 2:
        return present.num(s.mean * scale, digits)
    return f"{present.num(s.mean * scale, digits)} ± {present.num(s.std * scale, digits)}"


def _rows(frame: pd.DataFrame, labels: Mapping[str, str]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    for variant, rows in frame.groupby("variant", sort=False):
        yield str(variant), labels.get(str(variant), str(variant)), rows


def jpeg(frame: pd.DataFrame, gaps: Mapping[str, float], lossy_fraction: float, labels: Mapping[str, str]) -> str:
    """The paired JPEG experiment per variant: accuracies (%), drops (pp), and the JPEG part of the exact−full gap.

    ``gaps`` maps each variant to its mean test accuracy on the exact images minus on the full test set;
    ``lossy_fraction`` is the share of the full test set that is JPEG-derived.
    """
    out = []
    for variant, label, rows in _rows(frame, labels):
        drop = float(rows["drop"].mean())
        out.append(
            {
                "variant": label,
                "exact (%)": _pm(rows["exact"]),
                "JPEG copies (%)": _pm(rows["jpeg"]),
                "drop (pp)": _pm(rows["drop"]),
                "drop, statistics recomputed (pp)": _pm(rows["drop_recomputed"]),
                "exact − full set (pp)": present.num(gaps[variant] * 100, 2),
                "JPEG part": present.pct(lossy_fraction * drop / gaps[variant], 0) if gaps[variant] else "n/a",
            }
        )
    return present.markdown_table(pd.DataFrame(out))


def stopping(frame: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """Per variant: epoch of the lowest validation loss, the losses' rise after it, and the test accuracy at
    the epoch of best validation accuracy against the last epoch's."""
    out = []
    for _, label, rows in _rows(frame, labels):
        out.append(
            {
                "variant": label,
                "min. val. loss epoch": _pm(rows["min_val_loss_epoch"], 1, 0),
                "val. loss rise": _pm(rows["val_loss_rise"], 1, 3),
                "test loss rise": _pm(rows["test_loss_rise"], 1, 3),
                "best val. acc. epoch": _pm(rows["best_val_accuracy_epoch"], 1, 0),
                "test acc. there (%)": _pm(rows["test_accuracy_at_best_val"]),
                f"test acc., epoch {int(rows['epochs'].max())} (%)": _pm(rows["final_test_accuracy"]),
            }
        )
    return present.markdown_table(pd.DataFrame(out))


def modes(frame: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """Per variant: accuracy (%) on the training part, the validation part and the test set, and the training -
    validation gap (pp), with running statistics and, on a second row where it has BatchNorm, with batch statistics.
    """
    out = []
    for _, label, rows in _rows(frame, labels):
        kinds = {"inference": "running (test time)", "training": "batch (training)"}
        if not rows["batchnorm"].all():
            kinds = {"inference": "none"}
        for mode, statistics in kinds.items():
            out.append(
                {
                    "variant": label if mode == "inference" else "",
                    "BatchNorm statistics": statistics,
                    "train (%)": _pm(rows[f"train_{mode}"]),
                    "validation (%)": _pm(rows[f"validation_{mode}"]),
                    "test (%)": _pm(rows[f"test_{mode}"]),
                    "train − val. gap (pp)": _pm(rows[f"gap_{mode}"]),
                }
            )
    return present.markdown_table(pd.DataFrame(out), align=["l", "l", "r", "r", "r", "r"])


def median_iqr(values: np.ndarray | pd.Series) -> str:
    """Median and interquartile range of accuracies, in percent, one decimal (a table column): "63.0 [62.4, 63.5]"."""
    x = np.asarray(values, dtype=float)
    q25, median, q75 = np.quantile(x, [0.25, 0.5, 0.75])
    return f"{present.num(median * 100, 1)} [{present.num(q25 * 100, 1)}, {present.num(q75 * 100, 1)}]"


def parameters(rows: Mapping[str, list[Mapping]]) -> str:
    """Trainable parameters per layer of several variants (``models.layer_table`` rows keyed by display name),
    layers with parameters only, in network order (a layer one variant adds goes after the layer before it in
    that variant), and the totals."""
    names: list[str] = []
    counts: dict[str, dict[str, int]] = {}
    for label, layers in rows.items():
        counts[label] = {r["layer"]: int(r["parameters"]) for r in layers}
        at = 0  # where this variant's next new layer goes: after its previous layer already listed
        for layer in (r["layer"] for r in layers if r["parameters"]):
            if layer in names:
                at = names.index(layer) + 1
            else:
                names.insert(at, layer)
                at += 1
    frame = pd.DataFrame(
        {
            "layer": names,
            **{label: [present.count(c[n]) if n in c else "–" for n in names] for label, c in counts.items()},
        }
    )
    frame.loc[len(frame)] = ["**total**", *(f"**{present.count(sum(c.values()))}**" for c in counts.values())]
    return present.markdown_table(frame)
