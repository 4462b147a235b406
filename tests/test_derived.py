"""The derived-results cache: computed once per run and analysis version, damaged files computed again."""

import json

import pytest

from cnnlab.cache import RunRecord
from cnnlab.derived import cached_result, derived_path, derived_table


@pytest.fixture
def record(tmp_path):
    path = tmp_path / "cache" / "tiny_vgg-seed00-e2-n300-0123456789ab"
    path.mkdir(parents=True)
    return RunRecord(path, "done")


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, record):
        self.calls += 1
        return {"accuracy": 0.5, "calls": self.calls, "pair": (1, 2)}


def test_second_call_reads_the_stored_result(record):
    compute = Counter()
    first = cached_result(record, "probe", 1, compute)
    second = cached_result(record, "probe", 1, compute)
    assert compute.calls == 1 and first == second == {"accuracy": 0.5, "calls": 1, "pair": [1, 2]}
    path = derived_path(record, "probe", 1)
    assert path == record.path.parent / ".derived" / "probe-v1" / f"{record.path.name}.json"
    stored = json.loads(path.read_text())
    assert stored["run"] == record.path.name and stored["seconds"] >= 0
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_a_new_version_or_analysis_is_computed_again(record):
    compute = Counter()
    cached_result(record, "probe", 1, compute)
    assert cached_result(record, "probe", 2, compute)["calls"] == 2
    assert cached_result(record, "other", 1, compute)["calls"] == 3
    assert cached_result(record, "probe", 1, compute)["calls"] == 1


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        "",
        "[1, 2]",
        json.dumps({"analysis": "probe", "version": 1, "run": "another-run", "result": {"calls": 99}}),
        json.dumps({"analysis": "probe", "version": 1, "run": "tiny_vgg-seed00-e2-n300-0123456789ab"}),
    ],
)
def test_a_damaged_or_foreign_file_is_computed_again(record, damage):
    compute = Counter()
    cached_result(record, "probe", 1, compute)
    derived_path(record, "probe", 1).write_text(damage)
    assert cached_result(record, "probe", 1, compute)["calls"] == 2
    assert cached_result(record, "probe", 1, compute)["calls"] == 2  # and stored again


def test_bad_names_versions_and_unfinished_runs_are_refused(record):
    with pytest.raises(ValueError):
        derived_path(record, "../escape", 1)
    with pytest.raises(ValueError):
        derived_path(record, "probe", 0)
    with pytest.raises(ValueError, match="not a finished run"):
        cached_result(RunRecord(record.path, "corrupt", problem="missing"), "probe", 1, Counter())


def test_table_has_one_row_per_run(record, tmp_path):
    from cnnlab.config import RunConfig

    record.config = RunConfig("tiny_vgg", 0)
    other_path = record.path.parent / "tiny_vgg_bn-seed01-e2-n300-ba9876543210"
    other_path.mkdir()
    other = RunRecord(other_path, "done", RunConfig("tiny_vgg_bn", 1))
    table = derived_table({"tiny_vgg": [record], "tiny_vgg_bn": [other]}, "probe", 1, Counter())
    assert table[["variant", "seed", "calls"]].values.tolist() == [["tiny_vgg", 0, 1], ["tiny_vgg_bn", 1, 2]]
