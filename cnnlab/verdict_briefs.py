"""Short forms for the conclusions: a signed difference with its interval, and the overall word on robustness.

The per-variant verdicts of the conclusions are ``verdict_table``'s; the evidence behind each is in the chapter
it cites.
"""

from __future__ import annotations

import math

from cnnlab import present
from cnnlab.stats import StdRatio
from cnnlab.verdicts import Contrast


def signed_size(c: Contrast) -> str:
    """A signed difference with its 95 % interval: "−0.24 pp [−1.20, 0.72]"."""
    return f"{present.pp(c.difference)} pp {present.ci(c.test)}"


def robustness_overall(spreads: dict[str, tuple[Contrast, StdRatio | None]], base: str) -> str:
    """The conclusions' overall word on robustness (``spreads``: each variant's name, its contrast with the base on
    the full test set and the F interval of its standard deviation ratio): what Levene's test (Holm) finds, and
    where the F interval alone finds the spreads unequal."""
    way = lambda c, words: words[0] if c.test.std_ratio < 1 else words[1]  # noqa: E731
    tested = {n: (c, i) for n, (c, i) in spreads.items() if not math.isnan(c.test.spread_p)}
    found = [f"the {n} {way(c, ('more', 'less'))} robust" for n, (c, _) in tested.items() if c.test.spread_differs]
    text = f"Levene's test finds {' and '.join(found) or 'no variant more or less robust'} to the seed than the {base}"
    flagged = [
        f"the {n} {way(c, ('steadier', 'less steady'))}"
        for n, (c, i) in tested.items()
        if not c.test.spread_differs and i is not None and i.excludes_equal
    ]
    if flagged:
        text += (
            f"; only the F interval, before Holm's correction and counting an outlying seed fully, finds "
            f"{' and '.join(flagged)}"
        )
    untested = [f"the {n}" for n in spreads if n not in tested]
    if untested:
        text += f"; too few seeds to test {present.listing(untested)}"
    return text
