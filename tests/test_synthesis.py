"""Section 5.4's synthesis: size against verdict, and the model the runs favour, from made-up contrasts."""

from cnnlab.synthesis import Sized, synthesis_text
from tests.test_verdicts import _contrast

WORSE, ALIKE, BETTER = _contrast(-0.027, 0.001), _contrast(-0.004, 0.4), _contrast(0.02, 0.001)


def test_the_smallest_variant_not_shown_worse_is_favoured_with_what_its_seeds_could_miss():
    text = synthesis_text(
        "b",
        9420,
        [Sized("bn", 9500, WORSE, ALIKE), Sized("deep", 6440, ALIKE, ALIKE), Sized("res", 6750, ALIKE, ALIKE)],
    )
    assert text.startswith("Set against their sizes, as trained (the b has 9,420 trainable parameters): the bn has")
    assert (
        "the bn has 0.8 % more (9,500) and is worse on the full test set only; the deep has 32 % fewer (6,440) and "
        "cannot be told from" in text
    )
    assert "the smallest model not shown to be worse than it is the deep, with 6,440 trainable parameters" in text
    assert text.endswith(
        "a loss of 1.25 pp only 80 % of the time (less after Holm's correction), and smaller losses less often."
    )


def test_a_better_variant_is_favoured_whatever_its_size_and_a_worse_small_one_never_is():
    text = synthesis_text("b", 9420, [Sized("small", 5000, WORSE, WORSE), Sized("big", 12000, BETTER, ALIKE)])
    assert (
        "the small has 47 % fewer (5,000) and is worse on both test sets; the big has 27 % more (12,000) and is "
        in text
    )
    assert "is better than the b on the full test set only." in text
    assert text.endswith("the runs favour the big over the b.")
    none = synthesis_text("b", 9420, [Sized("small", 5000, WORSE, ALIKE), Sized("big", 12000, ALIKE, ALIKE)])
    assert none.endswith("no variant is shown to improve on the b.")


def test_a_variant_better_on_one_test_set_and_worse_on_the_other_is_said_to_be_both():
    text = synthesis_text("b", 9420, [Sized("odd", 9420, BETTER, WORSE)])
    assert "the odd has as many (9,420) and is better on one test set and worse on the other" in text
    assert text.endswith("no variant is shown to improve on the b.")
    smaller = synthesis_text("b", 9420, [Sized("odd", 5000, BETTER, WORSE)])  # worse somewhere: never the pick
    assert smaller.endswith("no variant is shown to improve on the b.") and "smallest model" not in smaller
