#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (playwright's own browser download does not work
# offline). Installs it when missing and we are root; otherwise says how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Browser tests need Chromium at /usr/bin/chromium. Install it with: sudo apt-get install -y chromium" >&2
exit 1
