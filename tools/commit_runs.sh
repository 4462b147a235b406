#!/usr/bin/env bash
# Developers: commit each finished run folder in cache/ that git does not track yet, one commit per run,
# committing only that folder (whatever else is staged stays staged). Folders land whole (renamed into place).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
git ls-files --others --exclude-standard --directory cache/ | while read -r folder; do
  folder=${folder%/}
  [ -f "$folder/metadata.json" ] || continue
  git add -- "$folder" && git commit -q -m "cache: $(basename "$folder")" --only -- "$folder" \
    && echo "committed $folder"
done
