"""Figures of the evidence behind the report's claims; each takes results and returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cnnlab.seed_study import METRICS
from cnnlab.seed_study_report import SETS, SeedStudyReport
from cnnlab.viz import TEXT_WIDTH

HIGHLIGHT, OTHERS = "#c0392b", "#9e9e9e"
DOT_ROWS = {  # the seed study's dot figure, top to bottom: title -> group (or protocol:<variant>)
    "initial weights alone": "init",
    "order alone": "order",
    "both (the protocol)": "protocol:tiny_vgg",
    "new order every epoch": "reshuffled",
    "+BatchNorm, fixed order": "protocol:tiny_vgg_bn",
    "+BatchNorm, new order": "reshuffled_bn",
}


def seed_against_others(histories: list[pd.DataFrame], seeds: list[int], highlighted: int, title: str = "") -> Figure:
    """Validation and test accuracy per epoch of one seed (in colour) against each of the other seeds (grey)."""
    if highlighted not in seeds or len(histories) != len(seeds):
        raise ValueError(f"seed {highlighted} is not among the {len(seeds)} seeds given with their histories")
    fig, axes = plt.subplots(1, 3, figsize=(TEXT_WIDTH, 2.4), layout="constrained", sharex=True)
    panels = (
        ("loss", "training loss", 1),
        ("val_accuracy", "validation accuracy (%)", 100),
        ("test_accuracy", "test accuracy, full set (%)", 100),
    )
    for ax, (column, name, scale) in zip(axes, panels, strict=True):
        for seed, history in zip(seeds, histories, strict=True):
            if seed != highlighted:
                ax.plot(history["epoch"], history[column] * scale, color=OTHERS, linewidth=0.7, alpha=0.8)
        chosen = histories[seeds.index(highlighted)]
        ax.plot(chosen["epoch"], chosen[column] * scale, color=HIGHLIGHT, linewidth=1.4, label=f"seed {highlighted}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    axes[0].plot([], [], color=OTHERS, linewidth=0.7, label="other seeds")
    axes[0].legend()
    if title:
        fig.suptitle(title)
    return fig


def study_dots(report: SeedStudyReport) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, float]]]:
    """The arguments of :func:`seed_dots`: per row, each metric's values over seeds (%), and, per row that holds
    it, the values of the protocol's seed-0 run the groups share."""
    study = report.study
    row = {name: f"{title} (n = {report.n(name)})" for title, name in DOT_ROWS.items()}
    dots = {row[name]: {m: list(100 * study.values(name, m)) for m in METRICS} for name in DOT_ROWS.values()}
    holders = {name: positions[0] for name, positions in study.shared.items() if positions}
    if holders:  # the protocol's own record of that run, found by its seed
        name, position = next(iter(holders.items()))
        seed = study.groups[name][position].config.seed
        protocol = study.protocol["tiny_vgg"]
        holders["protocol:tiny_vgg"] = next(i for i, r in enumerate(protocol) if r.config.seed == seed)
    shared = {row[n]: {m: 100 * float(study.values(n, m)[i]) for m in METRICS} for n, i in holders.items()}
    return dots, shared


def seed_dots(dots: dict[str, dict[str, list[float]]], shared: dict[str, dict[str, float]] | None = None) -> Figure:
    """The study's groups as one dot per seed, with mean ± std as a bar, on each test set; ``shared`` gives, per
    row that holds it, the values of the run several rows share (drawn as a ring around its dot)."""
    figure = Figure(figsize=(6.3, 2.3), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    rows = list(dots)[::-1]  # top to bottom as listed
    for ax, (metric, title) in zip(axes, SETS.items(), strict=True):
        for y, row in enumerate(rows):
            values = dots[row][metric]
            ax.scatter(values, [y] * len(values), s=14, color="C0", alpha=0.75, zorder=3)
            if row in (shared or {}):
                ax.scatter(shared[row][metric], y, s=55, facecolors="none", edgecolors="black", lw=0.8, zorder=4)
            if len(values) >= 2:
                mean, std = float(np.mean(values)), float(np.std(values, ddof=1))
                ax.errorbar(mean, y - 0.3, xerr=std, fmt="|", color="black", capsize=3, markersize=8)
        ax.axhline(1.5, color="0.6", lw=0.8)
        ax.axhline(3.5, color="0.85", lw=0.8)
        ax.margins(x=0.06)  # no dot on the frame
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("test accuracy (%)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="0.9")
    axes[0].set_yticks(range(len(rows)), rows)
    axes[0].set_ylim(-0.7, len(rows) - 0.4)
    return figure
