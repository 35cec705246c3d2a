#!/usr/bin/env bash
# Starts the action server, waits until it answers, then the Rasa server or shell.
# Both stop together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-serve}"
RASA=.venv/bin/rasa
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"

"$RASA" run actions --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  curl -sf "http://localhost:$ACTIONS_PORT/health" >/dev/null && break
  kill -0 "$actions_pid" 2>/dev/null || { echo "error: the action server exited (see above)" >&2; exit 1; }
  sleep 1
done

case "$mode" in
  serve)
    echo "Rasa REST channel: POST http://localhost:$RASA_PORT/webhooks/rest/webhook (action server on :$ACTIONS_PORT)"
    "$RASA" run --model models/bot.tar.gz --endpoints endpoints.yml --credentials credentials.yml --port "$RASA_PORT"
    ;;
  shell)
    "$RASA" shell --model models/bot.tar.gz --endpoints endpoints.yml
    ;;
  *) echo "usage: $0 serve|shell" >&2; exit 2 ;;
esac
