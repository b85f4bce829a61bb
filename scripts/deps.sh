#!/usr/bin/env bash
# Installs every Debian and npm dependency pantau needs. Idempotent: when everything is present it
# only checks, which takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libfmt-dev libspdlog-dev libcli11-dev libsqlite3-dev sqlite3 zlib1g-dev libpq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk nginx-light curl chromium
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js may come from elsewhere than Debian (the machine image ships its own); install Debian's only
# when there is none.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm data packages (regions, ASN table, user agents) and playwright-core for browser tests.
stamp=node_modules/.pantau-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# data/regions.csv is committed; regenerate it only when it is missing.
[ -f data/regions.csv ] || node tools/gen-regions.mjs data/regions.csv
