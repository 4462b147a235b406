"""The table of Holm families: its sizes follow the lists the analyses correct over."""

from types import SimpleNamespace

from cnnlab.families import Sizes, families_markdown, sizes_of


def test_sizes_come_from_the_compared_variants_the_study_groups_and_the_classes():
    claims = SimpleNamespace(others=["b", "c", "d"], batchnorm_variants=["b", "d"])
    runs = {"a": 10, "b": 10, "c": 1, "d": 10}  # c has one seed: no paired gain of its own
    results, protocol = SimpleNamespace(n=runs.get), SimpleNamespace(epochs=100)
    report = SimpleNamespace(claims=claims, variants=list(runs), results=results, protocol=protocol)
    assert sizes_of(report) == Sizes(3, 2, 2, every=3, classes=10, measures=2, test_sets=2, early_epochs=20)


def test_the_table_gives_one_row_per_family_with_its_size():
    table = families_markdown(Sizes(3, 2, 2, 4, 10, 2, 2, 20))
    assert table.count("\n") == 15  # header, rule and fourteen families
    assert "| per-class accuracy against the tiny VGG | each variant, its classes | full | 10 |" in table
    assert "| tiny VGG | – | 2 |" in table  # Q11's two measures, missing from the old list (lecturer)
    assert "| +BatchNorm | – | 20 |" in table  # the early epochs of Q13's lead, corrected together
