#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains in one line how to get one.
# Rasa 3.6 supports Python 3.8-3.10 only, and these machines ship 3.11 as the default.
set -euo pipefail

candidates=()
if command -v python3.10 >/dev/null 2>&1; then
  candidates+=("$(command -v python3.10)")
fi
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/3.10.*/bin/python; do
    [ -x "$p" ] && candidates+=("$p")
  done
fi
for p in "${HOME:-/root}"/.pyenv/versions/3.10.*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -x "$p" ] && candidates+=("$p")
done

for p in "${candidates[@]+"${candidates[@]}"}"; do
  # pyenv shims exist even when the version is not installed: check it really runs 3.10.
  if "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
    echo "$p"
    exit 0
  fi
done

echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.8-3.10; install 3.10 (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv') so that 'python3.10' is on PATH." >&2
exit 1
