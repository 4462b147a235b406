"""The report's sentences of analysis: pure functions of the statistics they state.

Each function takes numbers already computed from the cache and display names, and returns English; none
reads the cache, so every branch can be tested on its own. The verdicts against the tiny VGG are in
``verdicts``; the sentences of the evidence behind them in ``evidence_sentences``.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from cnnlab import present
from cnnlab.power import POWER
from cnnlab.stats import ALPHA, Comparison, summarize


def not_comparable(label: str, base: str, n: int, n_base: int) -> str:
    """Why a variant and the baseline cannot be compared yet."""
    return (
        f"With {n} run(s) of the {label} and {n_base} of the {base}, the two cannot be compared yet: "
        "a comparison needs at least two seeds of each."
    )


def leader_text(best: str, best_pm: str, steadiest: str) -> str:
    """Which variant has the highest mean test accuracy and which the smallest standard deviation (display
    names), as observed: whether the differences are real is the comparison table's to say."""
    if best == steadiest:
        return (
            f"The {best} has both the highest observed mean test accuracy, {best_pm}, and the smallest observed "
            "standard deviation over seeds"
        )
    return (
        f"The highest observed mean test accuracy is that of the {best}, {best_pm}; the smallest observed standard "
        f"deviation over seeds, that of the {steadiest}"
    )


def balance_text(train_per_class: list[int], test_per_class: list[int]) -> str:
    """Whether the classes are exactly balanced in the training and test sets."""
    if len(set(train_per_class)) == 1 and len(set(test_per_class)) == 1:
        return "the classes are exactly balanced in both sets"
    return (
        f"the classes are not exactly balanced (from {min(train_per_class)} to "
        f"{max(train_per_class)} training images per class)"
    )


NEARLY_GREY, MOSTLY_COLOUR = 0.1, 0.5  # colour shares (``features.colour_share``) below and above which we say so


def colour_text(shares: np.ndarray) -> str:
    """The colour share of a set of first-layer filters: median, range, and how many are nearly grey or mostly
    colour."""
    x = np.asarray(shares, dtype=float)
    grey, coloured = int((x < NEARLY_GREY).sum()), int((x > MOSTLY_COLOUR).sum())
    return (
        f"the median colour share is {present.num(float(np.median(x)), 2)} (from "
        f"{present.num(float(x.min()), 2)} to {present.num(float(x.max()), 2)}); {_how_many(grey)} "
        f"nearly grey (below {NEARLY_GREY}) and {present.count(coloured)} mostly colour (above {MOSTLY_COLOUR})"
    )


def _how_many(n: int) -> str:
    """ "none of them is", "1 of them is", "12 of them are"."""
    return "none of them is" if n == 0 else f"{present.count(n)} of them {'is' if n == 1 else 'are'}"


def colour_comparison(label: str, base: str, median: float, base_medians: np.ndarray, p: float) -> str:
    """Whether one network's first-layer filters (their median colour share, taken as fixed) are greyer or more
    coloured than another's, whose seeds' medians are ``base_medians``; ``p``: Wilcoxon's signed-rank test of
    those against it (the chapter says what a test against one network's value cannot speak to)."""
    seeds = np.asarray(base_medians, dtype=float)
    above, by = int((seeds > median).sum()), summarize(seeds - median)
    facts = (
        f"median colour share {present.num(median, 2)}; the {base}’s per-seed median is "
        f"{present.num(float(seeds.min()), 2)} to {present.num(float(seeds.max()), 2)}, "
        f"{'exceeding' if by.mean > 0 else 'falling short of'} it on average by {present.num(abs(by.mean), 2)} "
        f"({present.INTERVAL} of the difference {present.bounds(by)}), and above it in {above} of "
        f"{present.count(len(seeds))} seeds; Wilcoxon's signed-rank test of the seeds' medians against it "
        f"{present.p_value(p)}"
    )
    if p < ALPHA:
        greyer = "greyer" if median < float(np.median(seeds)) else "more coloured"
        return f"the first-layer filters of the {label} are {greyer} than the {base}’s ({facts})"
    return (
        f"the first-layer filters of the {label} do not differ detectably in colour share from the {base}’s ({facts})"
    )


def receptive_text(fields: dict[str, int]) -> str:
    """The receptive field of each layer's units: "3 × 3 pixels in `block1_conv1`, 5 × 5 in ..."."""
    parts = [
        f"{size} × {size}{' pixels' if i == 0 else ''} in `{name}`" for i, (name, size) in enumerate(fields.items())
    ]
    return present.listing(parts)


def order_text(same_every_epoch: bool) -> str:
    """How Keras's seeded ``fit(shuffle=True)`` orders the training images, as observed."""
    if same_every_epoch:
        return (
            "Keras's fit, asked to shuffle, shuffles the training part with a permutation drawn from the seed. "
            "Under a fixed seed its TensorFlow backend draws the same permutation at every epoch (observed with "
            "this report's Keras by recording the batches of a seeded fit, below): a run visits its images in one "
            "shuffled order, epoch after epoch, rather than in a new order each epoch as textbook mini-batch SGD "
            "does. The runs keep this behaviour because it is what a seeded call of Keras's fit does; the seed fixes "
            "both the initial weights and that order"
        )
    return (
        "Keras's fit, asked to shuffle, reshuffles the training part at every epoch; the seed fixes both the initial "
        "weights and the sequence of batch orders"
    )


def orders_text(orders: list[list[int]], seed: int, batch_size: int, run_size: int) -> str:
    """The evidence behind ``order_text``: the orders a seeded fit of a throwaway model visited its samples in, at
    the runs' batch size, epoch by epoch (the first ten of each); ``run_size`` is how many images a run trains on."""
    n, epochs, same = len(orders[0]), present.word(len(orders)), all(o == orders[0] for o in orders)
    every = "both" if len(orders) == 2 else f"all {epochs}"
    size = "as many as a run trains on" if n == run_size else f"where a run trains on {present.count(run_size)}"
    whole = all(sorted(o) == list(range(n)) for o in orders)
    first = "; ".join(" ".join(map(str, o[:10])) for o in ([orders[0]] if same else orders))
    visited = f"the same order in {every} epochs" if same else f"a different order in each of its {epochs} epochs"
    if len(orders) == 1:
        visited = "one order in its one epoch"
    return (
        f"A seeded fit (seed {seed}) of a throwaway model on {present.count(n)} samples numbered from 0, {size}, in "
        f"batches of {batch_size}, visited them in {visited}{', a permutation of all of them' if whole else ''} "
        f"(the first ten{'' if same else ' of each'}: {first})."
    )


def threads_text(threads: int | None) -> str:
    """The CPU threads a run used ("TensorFlow's default threads" when not recorded)."""
    if not threads:
        return "TensorFlow's default threads"
    return f"{threads} CPU thread{'s' if threads != 1 else ''} per run"


def resumed_text(resumed: int) -> str:
    """How many runs were interrupted and resumed, and why that changes none of their numbers."""
    if not resumed:
        return "No run was interrupted."
    words = present.word(resumed)  # a sentence does not open with a numeral
    opening = words.capitalize() if words.isalpha() else f"In all, {words}"
    return (
        f"{opening} {'run was' if resumed == 1 else 'runs were'} interrupted and resumed from the checkpoint of the "
        "last finished epoch, which gives the numbers of an uninterrupted run (Adam's state is saved with the "
        "weights, and the batch order is the same at every epoch)."
    )


def resnet_source(kernel_shape: tuple[int, ...], bias_shape: tuple[int, ...], sha256: str | None) -> str:
    """Where Q12's ResNet50 first-layer weights came from: Keras's download, or a file of them with its hash (not
    its name: the PDF names no file its reader cannot open)."""
    shapes = f"kernel {' × '.join(map(str, kernel_shape))}, bias {' × '.join(map(str, bias_shape))}"
    if sha256 is None:
        return (
            "The weights are Keras's ImageNet weights for ResNet50, downloaded by "
            f'`keras.applications.ResNet50(weights="imagenet")` ({shapes} in `conv1_conv`).'
        )
    return (
        "The machine that rendered this report could not download them, so the network was built without "
        "weights and its first layer, `conv1_conv`, was given Keras's ImageNet ResNet50 weights for that layer "
        f"({shapes}), read from a file that holds that layer alone, whose SHA-256 "
        f"checksum begins {sha256[:16]} and ends {sha256[-8:]}; the rest of the network, which Q12 does not look at, "
        "keeps random weights."
    )


EDGE_LIKE = 0.5  # edge shares (``features.edge_share``) above which a filter is called edge-like
EDGES = ("vertical", "diagonal", "horizontal", "diagonal")  # by the ramp's direction rounded to 0, 45, 90, 135°


def edge_text(shares: np.ndarray, angles: np.ndarray) -> str:
    """The edge share of a set of first-layer filters: median, range, and how many are edge-like, by the
    orientation of their edge."""
    x = np.asarray(shares, dtype=float)
    edge_like = x > EDGE_LIKE
    kinds = Counter(EDGES[int(np.rint(a / 45)) % 4] for a in np.asarray(angles)[edge_like])
    listed = ", ".join(f"{present.count(n)} {kind}" for kind, n in kinds.most_common())
    return (
        f"the median edge share is {present.num(float(np.median(x)), 2)} (from {present.num(float(x.min()), 2)} "
        f"to {present.num(float(x.max()), 2)}); {_how_many(int(edge_like.sum()))} edge-like (above {EDGE_LIKE})"
        + (f": {listed}" if listed else "")
    )


def training_change_text(measure: str, change: Comparison, before: float, after: float, detectable: float) -> str:
    """How training moved a filter measure, taken per seed (the median over its filters, trained minus initial;
    ``before`` and ``after`` the means over seeds): the mean change with its interval, the paired t-test (its
    Holm p over the measures decides) and Wilcoxon's signed-rank test; when nothing is detected, what the seeds
    would have detected (``detectable``)."""
    facts = (
        f"per-seed median {present.num(before, 2)} at initialisation and {present.num(after, 2)} after training on "
        f"average; mean change {present.num(change.difference, 2)}, {present.INTERVAL} {present.bounds(change)}; "
        f"paired t-test {present.p_value(change.welch_p)}, Holm {present.p_value(change.mean_p)}; Wilcoxon's "
        f"signed-rank test {present.p_value(change.mannwhitney_p)}"
    )
    if change.mean_p < ALPHA:
        return f"training {'raised' if change.difference > 0 else 'lowered'} the {measure} ({facts})"
    return (
        f"these seeds do not show training to change the {measure} ({facts}; a mean change of "
        f"{present.num(detectable, 2)} would have been detected with {present.pct(POWER, 0)} power)"
    )


def training_change_brief(measure: str, change: Comparison, detectable: float) -> str:
    """The conclusions' short form of :func:`training_change_text`: "lowered the colour share by 0.19 (...)"."""
    if change.mean_p < ALPHA:
        verb = "raised" if change.difference > 0 else "lowered"
        return (
            f"{verb} the {measure} by {present.num(abs(change.difference), 2)} ({present.INTERVAL} "
            f"{present.bounds(change)}, Holm {present.p_value(change.mean_p)})"
        )
    return (
        f"did not detectably change the {measure} (Holm {present.p_value(change.mean_p)}; a change of "
        f"{present.num(detectable, 2)} would have been detected with {present.pct(POWER, 0)} power)"
    )


MAP_STRONG = 0.5  # |r| from which a feature map is said to follow what it correlates with
MAP_MEASURES = ("brightness", "edges")  # what ``features.map_correlations`` correlates a map with, in its order


def map_follows(r: tuple[float, float]) -> str:
    """What a map follows from its two correlations: "rises with the image's brightness", or "" below the bar."""
    if max(abs(x) for x in r) < MAP_STRONG:
        return ""
    i = 0 if abs(r[0]) >= abs(r[1]) else 1  # the stronger of the two
    return f"{'rises' if r[i] > 0 else 'falls'} with the image's {MAP_MEASURES[i]}"


def map_reading_text(found: dict[str, tuple[float, float]], filter_number: int) -> str:
    """What one filter's maps follow, layer by layer (``found``: Pearson's r with the image's brightness and with
    its edge strength, from ``features.map_correlations``; the numbers are in a table), and the layers where
    neither describes the map."""
    shown = {n: r for n, r in found.items() if not any(math.isnan(x) for x in r)}
    if not shown:
        return f"Filter {filter_number}'s maps are constant for this image, so they follow nothing in it."
    strong = [
        f"`{n}` {map_follows(r)} (r = {present.num(max(r, key=abs), 2)})" for n, r in shown.items() if map_follows(r)
    ]
    weak = [f"`{n}`" for n, r in shown.items() if not map_follows(r)]
    text = (
        f"@tbl-map-follow correlates filter {filter_number}'s map in each layer with the image's brightness and "
        "with its edge strength, the Sobel gradient magnitude [@gonzalez2018], both averaged down to the map's "
        "size (Pearson's r)."
    )
    if strong:
        text += f" {present.listing(strong)}."
    if weak:
        text += (
            f" In {present.listing(weak)} neither reaches {present.num(MAP_STRONG, 1)} in size: the two simple "
            "measures do not describe what those maps respond to."
        )
    return f"{text} This is one image and one seed."


def class_balance_text(labels: np.ndarray, classes: int = 10) -> str:
    """How evenly a split's images fall into the classes: "from 1,468 to 1,538 images per class (9.8 % to 10.3 %)"."""
    counts = np.bincount(labels, minlength=classes)
    shares = counts / counts.sum()
    return (
        f"from {present.count(int(counts.min()))} to {present.count(int(counts.max()))} images per class "
        f"({present.pct(shares.min(), 1)} to {present.pct(shares.max(), 1)})"
    )
