#!/usr/bin/env bash
# Installs dependencies, builds, and starts `pantau serve` on an embedded SQLite database with a demo
# poll for Kota Tomohon that keeps receiving simulated voters. Ctrl-C stops it; the data stays in var/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh --target pantau
mkdir -p var
LISTEN="${PANTAU_LISTEN:-127.0.0.1:8080}"
echo "pantau demo: http://${LISTEN}/  (Ctrl-C to stop)"
exec build/src/cli/pantau serve --db var/demo.db --listen "$LISTEN" --web-root web/public --demo "$@"
