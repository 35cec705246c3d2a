#!/usr/bin/env bash
# Installs the Debian packages a group of tests needs, when they are missing.
#   browser:  Chromium and a Japanese font (Playwright's own browser download cannot work here)
#   services: PostgreSQL and Redis servers (the tests start their own on loopback)
#   nginx:    nginx, which serves the chat page in the Helm deployment (tests/test_deploy.py)
set -euo pipefail
case "${1:-}" in
  browser)
    packages="chromium fonts-noto-cjk"
    present() { command -v chromium && fc-list : family | grep -i "noto sans cjk"; } ;;
  services)
    packages="postgresql redis-server"
    present() { ls /usr/lib/postgresql/*/bin/initdb && command -v redis-server; } ;;
  nginx)
    packages="nginx-light"
    present() { command -v nginx; } ;;
  *) echo "usage: $0 browser|services|nginx" >&2; exit 2 ;;
esac
present >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the $1 tests need Debian packages; run 'sudo apt-get install $packages' once." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
present >/dev/null 2>&1
