#!/usr/bin/env bash
# Developers: start (or resume) the report's runs in the background from a frozen checkout, so that edits to
# the working tree cannot change runs mid-sweep, and commit each finished run folder as it lands.
# Usage: bash tools/sweep_background.sh [COMMIT]
# Order: the protocol (4 variants x seeds 0-9; all cached already), then the seed study of issue #14
# (seed-major, so that every group grows together). Each step skips cached runs; rerun to resume.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
snapshot=${SWEEP_CHECKOUT:-$here/../sweep}
[ -d "$snapshot" ] || git -C "$here" worktree add --detach "$snapshot" HEAD
git -C "$snapshot" checkout -q --detach "$(git -C "$here" rev-parse "${1:-HEAD}")"
export PYTHONPATH="$snapshot" CNNLAB_DATA=${CNNLAB_DATA:-$here/../shared/data/cifar-10-batches-py}
# `python -m` puts the working folder first on sys.path: work in the snapshot, or the live tree's code runs.
cd "$snapshot"
sweep="$here/.venv/bin/python -m cnnlab.cli sweep --cache $here/cache"
nohup bash -c "$sweep --variants all --seeds 0-9 && $sweep --study seeds --seeds 0-9" >> "$here/sweep.log" 2>&1 &
echo "sweep started (pid $!), log: $here/sweep.log, code: $snapshot at $(git -C "$snapshot" rev-parse --short HEAD)"
# Commit every run folder that has landed and is not yet committed, once a minute, while the sweep runs.
nohup bash -c "while kill -0 $! 2>/dev/null; do sleep 60; bash '$here/tools/commit_runs.sh'; done;
  bash '$here/tools/commit_runs.sh'" >> "$here/sweep.log" 2>&1 &
