#!/usr/bin/env bash
# Set up everything and run the main job on the embedded default: the bundled samples read into SQLite,
# then the review portal on http://127.0.0.1:8000 (prints how to log in). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_THREAD_LIMIT=1
mkdir -p var
exec .venv/bin/intake demo --database "sqlite:///$(pwd)/var/demo.db" "$@"
