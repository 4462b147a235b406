"""Q11's filter measures against random weights: what random filters score, and whether the trained filters'
counts of edge-like and of mostly-colour ones differ from chance.

The yardsticks are the measures' distributions for independent random weights (``features.random_edge_share``,
``features.random_colour_share``); each seed's count is tested against its expected count over the seeds, which,
unlike one network's filters, are independent draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnlab import present
from cnnlab.sentences import EDGE_LIKE, MOSTLY_COLOUR
from cnnlab.stats import ALPHA, signed_rank_p


def random_yardstick_text(
    edges: list[np.ndarray], colours: list[np.ndarray], random_edges: Any, random_colours: Any, window: tuple[int, int]
) -> str:
    """What random weights score on both filter measures, and whether the seeds' counts of edge-like filters
    (``edges``: each seed's edge shares) and of mostly-colour ones (``colours``) differ from chance."""
    n, found, rate, p, reading = _counted(edges, random_edges, EDGE_LIKE)
    facts = (
        f"Random weights, such as the initial ones, are the yardstick for both measures. A plane fitted to the "
        f"{window[0] * window[1]} independent random values of a {window[0]} × {window[1]} window explains "
        f"{present.num(random_edges.mean(), 2)} of their variation on average "
        f"(median {present.num(random_edges.median(), 2)}; the R² follows a {_beta(random_edges)} distribution), so "
        f"a filter is edge-like by chance with probability {present.num(rate, 3)}: {present.num(n * rate, 1)} of "
        f"these {present.count(n)} filters. "
    )
    if not p < ALPHA:
        reading += ": by this measure they are not shown to be more edge-like than random weights"
    _, coloured, colour_rate, _, colour_reading = _counted(colours, random_colours, MOSTLY_COLOUR)
    colour = (
        f"Random weights have a colour share of {present.num(random_colours.mean(), 2)} on average, as much as a "
        f"filter that looks at a single channel ({_beta(random_colours)}), and are mostly colour (above "
        f"{MOSTLY_COLOUR}) with probability {present.num(colour_rate, 2)}: the trained filters' "
        f"{present.count(coloured)} mostly-colour ones are {colour_reading}."
    )
    return f"{facts}The trained filters' {present.count(found)} edge-like ones are {reading}. {colour}"


def _counted(per_seed: list[np.ndarray], random: Any, above: float) -> tuple[int, int, float, float, str]:
    """:func:`chance_count`'s filters, count, chance and p, with the count's reading against chance."""
    n, found, rate, p = chance_count(per_seed, random, above)
    return n, found, rate, p, _chance_reading(found, n * rate, p, _seed_test(per_seed, rate, p))


def _beta(random: Any) -> str:
    """A frozen scipy Beta distribution as the text names it: "Beta(9, 4.5)"."""
    a, b = (present.num(float(v), 0 if float(v).is_integer() else 1) for v in random.args)
    return f"Beta({a}, {b})"


def edge_chance_brief(edges: list[np.ndarray], random_edges: Any) -> str:
    """The conclusions' short form of the edge-like count against chance: "its 11 edge-like filters are not shown
    to differ from what chance gives (12.5 expected from random weights; ...)"."""
    n, found, rate, p = chance_count(edges, random_edges, EDGE_LIKE)
    test = f"{present.num(n * rate, 1)} expected from random weights; {_seed_test(edges, rate, p)}"
    return f"its {present.count(found)} edge-like filters are {_chance_reading(found, n * rate, p, test)}"


def chance_count(per_seed: list[np.ndarray], random: Any, above: float) -> tuple[int, int, float, float]:
    """Filters, those above ``above`` among them, the chance that a random filter is (from ``random``, the
    measure's distribution for random weights), and Wilcoxon's signed-rank test of each seed's count against its
    expected count."""
    rate = float(random.sf(above))
    counts = np.array([int((np.asarray(e) > above).sum()) for e in per_seed])
    expected = np.array([len(e) * rate for e in per_seed])
    p = signed_rank_p(counts - expected) if len(per_seed) > 1 else float("nan")
    return sum(len(e) for e in per_seed), int(counts.sum()), rate, p


def _seed_test(per_seed: list[np.ndarray], rate: float, p: float) -> str:
    each = present.num(len(per_seed[0]) * rate, 2) if per_seed else "n/a"
    return f"Wilcoxon's signed-rank test of the {len(per_seed)} seeds' counts against {each} each, {present.p_value(p)}"


def _chance_reading(found: int, expected: float, p: float, test: str) -> str:
    """ "not shown to differ from what chance gives (test)", or "more" or "fewer than chance gives (test)" when
    the test finds it."""
    if not p < ALPHA:
        return f"not shown to differ from what chance gives ({test})"
    return f"{'more' if found > expected else 'fewer'} than chance gives ({test})"
