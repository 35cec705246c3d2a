#!/usr/bin/env bash
# Installs Debian's PostgreSQL and Redis servers for the production-profile tests, if missing.
# The tests start their own instances on loopback, in temporary folders.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need PostgreSQL and Redis; run 'sudo apt-get install postgresql redis-server' once." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
