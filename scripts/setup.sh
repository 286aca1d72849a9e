#!/usr/bin/env bash
# Create or reuse .venv/ at the repo root and install everything the project needs:
# Debian packages (the Dutch Hunspell dictionary; Chromium and PostgreSQL for the tests) and Python packages.
# Usage: scripts/setup.sh [app|test]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-app}"

debian_packages=(hunspell-nl)
if [ "$purpose" = "test" ]; then
    # chromium for the browser tests; postgresql for the scratch cluster the database tests start
    debian_packages+=(chromium postgresql)
fi

missing=()
for pkg in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo_cmd=()
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd=(sudo)
        echo "Installing Debian packages: ${missing[*]}"
        if ! { "${sudo_cmd[@]}" apt-get update -qq && \
               DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
            echo "warning: could not install ${missing[*]}; without hunspell-nl the trainer's spelling rule refuses to start" >&2
        fi
    else
        echo "warning: no apt-get; missing Debian packages: ${missing[*]}" >&2
    fi
fi

python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv/"
    "$python_bin" -m venv .venv
fi
stamp=.venv/.installed-$purpose
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    if [ "$purpose" = "test" ]; then
        .venv/bin/python -m pip install -q -e ".[dev,bench]"
    else
        .venv/bin/python -m pip install -q -e .
    fi
    touch "$stamp"
fi
