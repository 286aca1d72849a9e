#!/usr/bin/env bash
# Install (first time) and start the Streamlit app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
exec .venv/bin/streamlit run streamlit_app.py "$@"
