"""The progress file between a run and the sweep's bar: written atomically, read as 0 until it exists."""

from cnnlab.progress import PROGRESS_FILE, read_progress, write_progress


def test_progress_round_trip_and_absent_or_half_written_files(tmp_path):
    assert read_progress(tmp_path) == 0
    write_progress(tmp_path / PROGRESS_FILE, 3, 100)
    assert read_progress(tmp_path) == 3
    assert not list(tmp_path.glob("*.tmp"))
    (tmp_path / PROGRESS_FILE).write_text('{"epoch": ')  # what a reader could meet without the atomic replace
    assert read_progress(tmp_path) == 0
