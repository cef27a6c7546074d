#!/usr/bin/env bash
# Set up everything and run the full test suite (fast and slow tests; real Dovecot, PostgreSQL, Redis, Chromium).
# Usage: bash scripts/test.sh [pytest args]     e.g. bash scripts/test.sh -m "not slow"   for the quick loop
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
export OMP_THREAD_LIMIT=1
echo "test: import contracts (.importlinter)"
.venv/bin/lint-imports --no-cache | tail -n 8
set +e
.venv/bin/python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then echo "test: pytest collected no test" >&2; exit 1; fi
exit "$code"
