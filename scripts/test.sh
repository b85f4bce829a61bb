#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the C++ suites through ctest (unit and
# integration, real servers on 127.0.0.1, real SQLite files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 300 -j "$(nproc)"
