#!/usr/bin/env bash
# `make run` (serve) and `make shell` (shell): devtools/run.py starts the servers in order
# and stops them all together; its docstring lists the settings (RASA_PORT, ACTIONS, API…).
# exec: a signal to this script's process (a supervisor's SIGTERM) reaches run.py itself.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m devtools.run "$@"
