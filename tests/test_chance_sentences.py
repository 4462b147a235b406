"""Q11's filter measures against random weights: counts per seed against what chance gives."""

import numpy as np
import pytest

from cnnlab import chance_sentences


@pytest.mark.parametrize(
    ("per_seed", "expected"),
    [
        (
            [1, 2, 1, 1, 2, 1, 1, 2, 0, 1],
            "The trained filters' 12 edge-like ones are not shown to differ from what chance",
        ),
        (
            [3, 4, 3, 2, 4, 3, 3, 4, 2, 3],
            "The trained filters' 31 edge-like ones are more than chance gives (Wilcoxon's",
        ),
        (
            [0, 0, 1, 0, 0, 0, 0, 0, 1, 0],
            "The trained filters' 2 edge-like ones are fewer than chance gives (Wilcoxon's",
        ),
    ],
)
def test_the_filters_edge_like_count_is_read_against_what_random_weights_give(per_seed, expected):
    """Each seed's count against the 1.25 of ten random filters: the seeds are independent, one network's filters
    need not be (the reviewer's objection to a binomial test over all filters)."""
    from scipy import stats

    edges = [np.r_[np.full(k, 0.9), np.full(10 - k, 0.1)] for k in per_seed]
    text = chance_sentences.random_yardstick_text(
        edges, [np.full(10, 0.45)] * 10, stats.beta(1, 3), stats.beta(9, 4.5), (3, 3)
    )
    assert "explains 0.25 of their variation on average (median 0.21; the R² follows a Beta(1, 3)" in text
    assert "edge-like by chance with probability 0.125: 12.5 of these 100 filters" in text
    assert "signed-rank test of the 10 seeds' counts against 1.25 each, p" in text
    assert expected in text
    assert "colour share of 0.67 on average, as much as a filter that looks at a single channel (Beta(9, 4.5))" in text
    # every seed's ten filters below 0.5, against 9.0 mostly-colour ones expected: fewer than chance gives
    assert "probability 0.90: the trained filters' 0 mostly-colour ones are fewer than chance gives (Wilcoxon's" in text
    brief = chance_sentences.edge_chance_brief(edges, stats.beta(1, 3))
    assert brief.startswith(f"its {sum(per_seed)} edge-like filters are ") and "(12.5 expected from random" in brief
