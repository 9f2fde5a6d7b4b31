#!/usr/bin/env bash
# Installs the Debian packages claimcheck needs (only those missing).
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite uses)
set -euo pipefail
pkgs=(gcc make cmake pkg-config libsqlite3-dev libpcre2-dev libxlsxwriter-dev libjansson-dev)
if [ "${1:-}" = "--test" ]; then
  # openpyxl reads workbooks back; LibreOffice proves they open without repair.
  pkgs+=(python3 python3-openpyxl libreoffice-calc-nogui poppler-utils)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
