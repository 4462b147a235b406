"""The seed study's sentences and tables: one test per branch of each verdict, on constructed studies."""

from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from cnnlab.evidence_figures import seed_dots, study_dots
from cnnlab.seed_study import Study, reshuffling_family
from cnnlab.seed_study_report import SeedStudyReport
from tests.test_verdicts import _test

BASE = [0.62, 0.63, 0.64, 0.625, 0.635, 0.615, 0.645, 0.63, 0.62, 0.64]  # std 0.01
TIGHT = [0.63 + d for d in (-0.0005, 0.0, 0.0005, -0.0003, 0.0003, 0.0001, -0.0001, 0.0002, -0.0002, 0.0)]


def _records(values: list[float], shift: float = 0.0) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            metrics={"test_accuracy": v + shift, "test_exact_accuracy": v + shift + 0.02},
            config=SimpleNamespace(seed=i),
        )
        for i, v in enumerate(values)
    ]


def _report(init=BASE, order=BASE, both=BASE, reshuffled=0.0, bn=-0.03, reshuffled_bn=-0.03) -> SeedStudyReport:
    groups = {
        "init": _records(init),
        "order": _records(order),
        "reshuffled": _records(both, reshuffled),
        "reshuffled_bn": _records(both, reshuffled + reshuffled_bn),
    }
    protocol = {"tiny_vgg": _records(both), "tiny_vgg_bn": _records(both, bn)}
    return SeedStudyReport(Study(groups=groups, protocol=protocol), planned=len(both))


def test_the_spread_is_only_compared_with_three_runs_per_group():
    text = _report(init=BASE[:2]).spread_text()
    assert "needs at least three runs" in text and "2, 10, 10" in text


def test_spread_verdicts_follow_the_interval_of_the_ratio():
    less = _report(init=TIGHT).spread_text()
    assert "spread it less than a whole new seed" in less and "detects a difference" in less
    same = _report().spread_text()
    assert "detects no difference" in same
    assert "by about 1.00 pp (one standard deviation; with 10 runs, anywhere from 0.69 to 1.83" in same
    # both factors are read alike (the lecturer: "a ratio is given for initialisation only and not for order")
    assert "1.00 (95 % interval 0.50 to 2.01) for the initial weights (1.00 pp over 10 runs) and 1.00" in same
    assert "2.01) for the order (1.00 pp over 10 runs): these runs cannot tell whether either factor alone" in same
    assert "alone spread it less than a whole new seed does, and these runs cannot tell whether the order" in less
    assert "The two factors' variances add up to 200 % of the protocol's (1.00² + 1.00² against 1.00², in" in same
    assert "The two factors' variances add up to 100 % of the protocol's" in _report(init=TIGHT).spread_text()


def test_reshuffling_verdicts_name_the_direction_or_say_none_was_detected():
    assert "a new order every epoch is higher than the fixed order by 2.00 pp" in _report(
        reshuffled=0.02
    ).reshuffling_text("reshuffled")
    assert "is lower than the fixed order by 2.00 pp" in _report(reshuffled=-0.02).reshuffling_text("reshuffled")
    unchanged = _report(reshuffled=0.001).reshuffling_text("reshuffled")
    assert "these runs cannot tell a new order every epoch from the fixed order on either test set" in unchanged
    assert "would be detected 80 % of the time" in unchanged and unchanged.count("cannot tell") == 1


def test_reshuffling_is_one_holm_family_of_the_two_variants_per_test_set():
    # tiny VGG: a shift Welch's test alone calls significant; +BatchNorm unchanged, so Holm doubles tiny VGG's p
    report = _report(reshuffled=0.0105, reshuffled_bn=-0.03 - 0.0105)
    text = report.reshuffling_text("reshuffled")
    assert "Holm p = 0.0" in text and "cannot tell a new order every epoch from the fixed order" in text
    table = report.reshuffling_markdown().data
    assert "| Welch p (Holm) | Levene p (Holm) |" in table.splitlines()[0]
    raw, holm = table.splitlines()[2].split("|")[-3].strip().rstrip(")").split(" (")
    assert float(raw) < 0.05 <= float(holm) and abs(float(holm) - 2 * float(raw)) < 0.002  # rounded to 3 digits


def test_the_batchnorm_deficit_survives_vanishes_or_reverses_with_reshuffling():
    assert "the deficit survives reshuffling, and whether any of it comes from the fixed order is not shown" in (
        _report(reshuffled_bn=-0.03).deficit_text()
    )
    assert "cannot tell whether the deficit survives" in _report(reshuffled_bn=0.001).deficit_text()
    assert "+BatchNorm is higher" in _report(reshuffled_bn=0.03).deficit_text()


def test_the_deficit_s_change_with_reshuffling_is_tested_with_its_interval_and_power():
    unchanged = _report(reshuffled_bn=-0.03).deficit_text()
    assert (
        "reshuffling changes it by 0.00 pp [−1.28, 1.28]" in unchanged
        and "pp would have been detected with 80 % power" in unchanged
    )
    narrowed = _report(reshuffled_bn=-0.01).deficit_text()
    assert "reshuffling narrows the deficit by 2.00 pp [" in narrowed and "part of it comes from the fixed" in narrowed
    removed = _report(reshuffled_bn=0.0).deficit_text()
    assert "reshuffling removes the deficit, changing it by 3.00 pp [" in removed and "part of it" not in removed
    widened = _report(reshuffled_bn=-0.06).deficit_text()
    assert "reshuffling widens the deficit by 3.00 pp [" in widened and "part of it" not in widened
    # with no deficit under the fixed order there is nothing to narrow or to survive
    lead = _report(bn=0.01, reshuffled_bn=0.04).deficit_text()
    assert "reshuffling raises +BatchNorm against tiny VGG by 3.00 pp [" in lead and "deficit survives" not in lead
    assert "+BatchNorm is higher with a new order every epoch" in lead
    lower = _report(bn=0.0, reshuffled_bn=-0.03).deficit_text()
    assert "+BatchNorm is lower with a new order every epoch" in lower and "deficit survives" not in lower
    assert "reshuffling lowers +BatchNorm against tiny VGG by 3.00 pp [" in lower


def test_the_deficit_gets_a_verdict_on_each_test_set():
    report = _report(reshuffled_bn=-0.03)
    for record in report.study.groups["reshuffled_bn"]:
        record.metrics["test_exact_accuracy"] += 0.03  # no deficit on the exact images with a new order
    full, exact = report.deficit_text().split(" On the exact 1,000 images, ")
    assert full.startswith("On the full test set,") and "the deficit survives reshuffling" in full
    assert (
        "cannot tell whether the deficit survives" in exact and "removes the deficit, changing it by 3.00 pp" in exact
    )


def test_an_unfinished_study_says_how_many_runs_each_group_has():
    partial = _report()
    partial.study.groups["reshuffled_bn"] = partial.study.groups["reshuffled_bn"][:1]
    partial.study.missing.extend(["reshuffled_bn"] * 9)
    assert (
        "not complete" in partial.counts_text()
        and "tiny VGG + BatchNorm, new order every epoch: 1" in partial.counts_text()
    )
    assert "needs two reshuffled runs" in partial.deficit_text()
    assert "Each group has all 10 seeds" in _report().counts_text()
    table = partial.reshuffling_markdown().data
    rows = {line.split("|")[1].strip() + "/" + line.split("|")[2].strip(): line for line in table.splitlines()[2:]}
    # the family is both variants: with one reshuffled +BatchNorm run, neither is compared yet
    assert rows["tiny VGG/full test set"].rstrip(" |").endswith("| 10 vs 10 | – | – | –")
    bn = rows["tiny VGG + BatchNorm/exact 1,000"]
    assert "%" not in table.split("\n", 2)[2] and "fixed order, %" in table  # the unit in the header, not each cell
    assert "| 1 vs 1 |" in bn and bn.rstrip(" |").endswith("– | – | –")  # the fixed order of the same seed only
    assert "waits for two runs with a new order every epoch of each (tiny VGG has 10)" in partial.reshuffling_text(
        "reshuffled"
    )
    conclusion = partial.conclusion_text()  # the spreads are settled: no "likewise"
    assert conclusion.endswith("waits for its runs. These numbers are provisional: 9 runs of the study are to come.")


def test_the_dot_figure_has_a_row_per_group_on_each_test_set():
    figure = seed_dots(*study_dots(_report()))
    left, right = figure.axes
    assert [t.get_text() for t in left.get_yticklabels()][-1] == "initial weights alone (n = 10)"
    dots = [[c for c in ax.collections if isinstance(c, PathCollection)] for ax in (left, right)]
    assert [len(d) for d in dots] == [6, 6] and all(len(c.get_offsets()) == len(BASE) for c in dots[1])
    top = next(c.get_offsets() for c in dots[1] if c.get_offsets()[0, 1] == 5)  # the first row, at the top
    np.testing.assert_allclose(top[:, 0], 100 * (np.array(BASE) + 0.02))  # the exact 1,000 in percent


def test_provenance_counts_the_study_s_own_runs_once_and_names_the_unfinished():
    def run(name: str, hours: float, resumed: list[int] | None = None) -> SimpleNamespace:
        return SimpleNamespace(path=name, metadata={"duration_s": hours * 3600, "resumed_at_epochs": resumed or []})

    shared = run("tiny_vgg-seed00", 0.5)  # seed 0 of the protocol is also seed 0 of both tiny VGG groups
    groups = {"init": [shared, run("init01", 0.5)], "order": [shared, run("order01", 0.5, [40])]}
    study = Study(groups=groups, protocol={"tiny_vgg": [shared]}, missing=["a", "b", "c"])
    study.shared = {"init": [0], "order": [0]}  # as collect_study marks the protocol's run in each group
    text = SeedStudyReport(study, planned=2).provenance_text()
    assert "adds 2 runs of its own" in text and "1.0 hours of computing" in text
    assert "1 run resumed after an interruption (a new order every epoch is drawn from the seed and the epoch" in text
    assert text.endswith("; 3 runs are not finished.")
    assert "runs are not finished" not in SeedStudyReport(Study(groups=groups, protocol={}), 2).provenance_text()


def test_the_conclusion_says_what_is_settled_and_what_waits_for_runs():
    done = _report(init=TIGHT, reshuffled=0.02).conclusion_text()
    assert "initialisation alone 0.03 pp" in done and "both (the protocol) 1.00 pp" in done
    assert "; a Brown–Forsythe test detects a difference between them (p" in done  # the spreads' test beside them
    assert "tiny VGG changes by +2.00 pp [" in done and "on the full test set; tiny VGG changes by +2.00 pp" in done
    assert done.count(" changes by +2.00 pp [") == 4 and "no other change" not in done  # all four significant
    partial = _report(init=BASE[:2])
    partial.study.groups["reshuffled_bn"] = partial.study.groups["reshuffled_bn"][:1]
    waiting = partial.conclusion_text()
    assert "is not settled" in waiting and "waits for its runs" in waiting and partial.deficit_conclusion() == ""


def test_an_unfinished_study_s_numbers_are_called_provisional_wherever_they_appear():
    unfinished = _report(init=TIGHT, reshuffled=0.02)
    unfinished.study.missing.extend(["a", "b"])
    said = (unfinished.spread_text(), unfinished.conclusion_text(), unfinished.deficit_text())
    for text in (*said, unfinished.deficit_conclusion()):
        assert text.endswith("These numbers are provisional: 2 runs of the study are to come.")
    unfinished.study.missing.pop()
    assert unfinished.provisional_note().endswith("1 run of the study is to come.")
    finished = _report(init=TIGHT, reshuffled=0.02)
    assert "provisional" not in finished.spread_text() + finished.conclusion_text() + finished.deficit_text()
    unfinished.study.groups["init"] = unfinished.study.groups["init"][:4]
    assert "provisional; the rest of the report does not use them" in unfinished.counts_text()


def test_the_deficit_names_the_runs_behind_each_difference():
    report = _report()
    report.study.groups["reshuffled_bn"] = report.study.groups["reshuffled_bn"][:4]
    text = report.deficit_text()
    assert "with the fixed order (4 against 10 runs, the seeds each has with a new order, Welch's t-test p" in text
    assert "with a new order every epoch (4 against 10 runs, Welch's t-test p" in text


def test_the_conclusions_give_the_order_s_effect_on_both_test_sets_and_name_what_is_significant():
    neither = _report(reshuffled=0.001).conclusion_text()
    assert "no change is significant, for either variant on either test set" in neither
    assert "deficit" not in neither  # Q9's paragraph; the deficit is Q13's (the lecturer)
    assert (
        "so the BatchNorm deficit survives reshuffling on both test sets"
        in _report(reshuffled=0.001).deficit_conclusion()
    )
    one = _report(reshuffled=0.001)
    for record in one.study.groups["reshuffled_bn"]:
        record.metrics["test_exact_accuracy"] += 0.03
    text = one.conclusion_text()
    assert "tiny VGG + BatchNorm changes by +3.10 pp [" in text and "on the exact 1,000 images; no other change" in text
    assert "(tiny VGG on either test set, tiny VGG + BatchNorm on the full test set)" in text
    assert "the BatchNorm deficit survives reshuffling on the full test set; these runs cannot tell whether" in (
        one.deficit_conclusion()
    )
    assert "cannot tell whether the BatchNorm deficit survives" in _report(reshuffled_bn=0.0).deficit_conclusion()


def test_the_deficit_with_a_new_order_is_decided_after_holm_over_the_two_test_sets():
    report = _report(reshuffled_bn=-0.03)
    for record in report.study.groups["reshuffled_bn"]:
        record.metrics["test_accuracy"] += 0.0205  # raw p just under 0.05 on the full test set, none on the exact
        record.metrics["test_exact_accuracy"] += 0.03
    full = report.deficit_text().split(" On the exact 1,000 images, ")[0]
    raw, holm = (float(full.split(f"{name} p = ")[1][:5]) for name in ("Welch's t-test", "Holm"))
    assert raw < 0.05 <= holm and "these runs cannot tell whether the deficit survives reshuffling" in full


def test_the_spread_text_says_what_holding_seed_0_fixed_does_to_each_group():
    alike = _report().spread_text()
    assert (
        "these runs cannot tell the two groups' means apart without their shared seed-0 run (0.00 pp [−0.94, 0.94]"
        in alike
        and "seed 0's run" not in alike
    )
    shifted = _report(init=[v - 0.01 for v in BASE])
    shifted.study.shared = {"init": [0], "order": [0]}
    text = shifted.spread_text()
    assert "leaving out the seed-0 run they share, the runs with seed 0's order average 1.00 pp [" in text
    assert "below those with its initial weights" in text
    assert "seed 0's order is poorer than a typical one or its initial weights better" in text
    assert "A Brown–Forsythe test [@brown1974], counting seed 0's run, which all three groups share, in" in text
    assert "each factor's own runs (seed 0's run, which the protocol's group holds too, left out) give" in text


def test_three_runs_with_one_shared_with_the_protocol_are_too_few_to_compare_spreads():
    report = _report(init=BASE[:3], order=BASE[:3])
    report.study.shared = {"init": [0], "order": [0]}  # seed 0 of each is the protocol's run
    for text in (report.spread_text(), report.conclusion_text()):  # no test of two values is attempted
        assert "needs at least three runs in each of the three groups, besides the run they share" in text or (
            "is not settled" in text
        )
    assert "there are 2, 2, 10 so far" in report.spread_text()


def test_a_change_without_spread_is_not_tested():
    from cnnlab.seed_study_sentences import deficit_change_text
    from cnnlab.stats import difference_of_differences

    flat = difference_of_differences([0.6, 0.6], [0.6, 0.6], [0.61, 0.61], [0.6, 0.6])
    assert deficit_change_text(flat, float("nan"), _test(-0.01, 0.01)) == (
        "reshuffling changes it by +1.00 pp (no spread over seeds to test it by)"
    )


def test_a_group_still_missing_seeds_is_compared_with_the_fixed_order_of_the_same_seeds():
    report = _report(reshuffled=0.0)
    shifted = report.study.protocol["tiny_vgg"]
    for record in shifted[5:]:
        record.metrics["test_accuracy"] += 0.03  # the fixed order's later seeds, not yet reshuffled, score higher
    report.study.groups["reshuffled"] = report.study.groups["reshuffled"][:5]
    change = reshuffling_family(report.study)["reshuffled"]
    assert abs(change.difference) < 1e-12  # seeds 0-4 against seeds 0-4: no change, not −1.5 pp
    assert "| 5 vs 5 |" in report.reshuffling_markdown().data


def test_where_neither_order_shows_a_deficit_none_is_said_to_survive_or_not():
    """The lecturer's case: on the exact images +BatchNorm minus tiny VGG was +0.06 pp with the fixed order and not
    significant with either; "cannot tell whether the deficit survives" presumed a deficit there was not."""
    text = _report(bn=0.001, reshuffled_bn=0.0).deficit_text()
    assert "neither order shows the deficit" in text and "survives" not in text
    assert "reshuffling does not detectably change the difference (reshuffling changes it by" in text
    assert "any of it comes from the fixed order" not in text
    conclusion = _report(bn=0.001, reshuffled_bn=0.0).deficit_conclusion()
    assert "so neither order shows the BatchNorm deficit on either test set." in conclusion


def test_the_dot_figure_rings_the_run_the_first_three_rows_share():
    report = _report()
    report.study.shared = {"init": [0], "order": [0]}  # as collect_study marks the protocol's seed-0 run
    dots, shared = study_dots(report)
    assert list(shared) == list(dots)[:3]  # initial weights alone, order alone, both (the protocol)
    first = next(iter(dots))
    assert shared[first]["test_accuracy"] == pytest.approx(dots[first]["test_accuracy"][0])
    left, _ = seed_dots(dots, shared).axes
    rings = [c for c in left.collections if isinstance(c, PathCollection) and not len(c.get_facecolors())]
    assert sorted(int(c.get_offsets()[0, 1]) for c in rings) == [3, 4, 5]  # the top three rows
    assert study_dots(_report())[1] == {}  # no shared run, no ring
    later = _report()  # seeds from 3 on: the shared run is the protocol's seed 3, wherever it stands
    for records in (*later.study.groups.values(), *later.study.protocol.values()):
        for record in records:
            record.config.seed += 3
    later.study.protocol["tiny_vgg"].reverse()
    later.study.shared = {"init": [0], "order": [0]}
    dots, shared = study_dots(later)
    both = list(dots)[2]
    assert shared[both]["test_accuracy"] == pytest.approx(100 * later.study.groups["init"][0].metrics["test_accuracy"])


@pytest.mark.parametrize(
    ("fixed", "new", "expected", "absent"),
    [
        # the reviewer's cases: no deficit under the fixed order, so none can "survive" or "not survive"
        ((-0.004, 0.4), (0.03, 0.001), "+BatchNorm is higher with a new order every epoch", "survive"),
        (
            (-0.004, 0.4),
            (-0.03, 0.001),
            "lower with a new order every epoch, where the fixed order shows no",
            "survives",
        ),
        ((-0.03, 0.001), (0.03, 0.001), "so the deficit does not survive there", "cannot tell"),
        ((-0.03, 0.001), (-0.003, 0.4), "cannot tell whether the deficit survives reshuffling", "neither"),
    ],
)
def test_survival_is_only_spoken_of_where_the_fixed_order_shows_a_deficit(fixed, new, expected, absent):
    from cnnlab.seed_study_sentences import survival_text

    text = survival_text({"full test set": (_test(*fixed), _test(*new))}, "the deficit")
    assert expected in text and absent not in text


def test_two_undecided_test_sets_are_either_not_both():
    from cnnlab.seed_study_sentences import survival_text

    pair = (_test(-0.03, 0.001), _test(-0.003, 0.4))
    text = survival_text({"full test set": pair, "exact 1,000 images": pair}, "the deficit")
    assert text == "these runs cannot tell whether the deficit survives reshuffling on either test set"
    mixed = survival_text({"full test set": (_test(-0.03, 0.001), _test(-0.03, 0.001)), "exact": pair}, "the deficit")
    assert "survives reshuffling on the full test set;" in mixed and " only" not in mixed


def test_a_significant_change_without_a_fixed_order_deficit_is_not_said_to_remove_one():
    """The reviewer's case: a negative but not significant fixed-order difference read as a deficit removed."""
    from cnnlab.seed_study_sentences import deficit_change_text
    from cnnlab.stats import difference_of_differences

    change = difference_of_differences([0.62, 0.63, 0.64], [0.6, 0.61, 0.62], [0.6, 0.61, 0.62], [0.62, 0.63, 0.64])
    text = deficit_change_text(change, 0.001, _test(-0.004, 0.4))
    assert text.startswith("reshuffling lowers +BatchNorm against tiny VGG by 4.00 pp") and "deficit" not in text
