#!/usr/bin/env bash
# Developers: start (or resume) the full protocol in the background from a frozen checkout, so that edits to
# the working tree cannot change runs mid-sweep. Usage: bash tools/sweep_background.sh [COMMIT]
# Order: seeds 0-4 of every variant (the assignment's minimum), then tiny_vgg seeds 0-4 in mixed_bfloat16
# (issue #5: does the faster precision change accuracy?), then seeds 5-9. Each step skips cached runs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
snapshot=${SWEEP_CHECKOUT:-$here/../sweep}
[ -d "$snapshot" ] || git -C "$here" worktree add --detach "$snapshot" HEAD
git -C "$snapshot" checkout -q --detach "$(git -C "$here" rev-parse "${1:-HEAD}")"
export PYTHONPATH="$snapshot" CNNLAB_DATA=${CNNLAB_DATA:-$here/../shared/data/cifar-10-batches-py}
sweep="$here/.venv/bin/python -m cnnlab.cli sweep --cache $here/cache"
nohup bash -c "$sweep --variants all --seeds 0-4 &&
  $sweep --variants tiny_vgg --seeds 0-4 --precision mixed_bfloat16 &&
  $sweep --variants all --seeds 0-9" >> "$here/sweep.log" 2>&1 &
echo "sweep started (pid $!), log: $here/sweep.log, code: $snapshot at $(git -C "$snapshot" rev-parse --short HEAD)"
