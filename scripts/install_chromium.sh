#!/usr/bin/env bash
# Installs Debian's Chromium (and a Japanese font) for the browser tests, if missing.
# Playwright's own browser download cannot work here; the tests use /usr/bin/chromium.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the browser tests need Debian's chromium; run 'sudo apt-get install chromium fonts-noto-cjk' once." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
command -v chromium >/dev/null
