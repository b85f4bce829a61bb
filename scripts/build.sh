#!/usr/bin/env bash
# Configures (once) and builds pantau in build/ (RelWithDebInfo, Ninja, ccache).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || cmake --preset default >/dev/null
cmake --build build "$@"
