#!/usr/bin/env bash
# Install (first time) and run the whole test suite, lint and type checks included.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
