#!/usr/bin/env bash
# Install (first time) and run the whole test suite, lint and type checks included.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/mypy
# Parallel on every core (pytest-xdist); the slowest tests are listed to keep the suite honest.
exec .venv/bin/python -m pytest -n auto --durations=15 "$@"
