#!/usr/bin/env bash
# Starts the action server, waits until it answers, then the chat page and the Rasa
# server (serve) or rasa shell (shell). All stop together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var  # the SQLite tracker store of endpoints.yml lives here
mode="${1:-serve}"
RASA=.venv/bin/rasa
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8080}"

"$RASA" run actions --actions actions --port "$ACTIONS_PORT" &
pids=$!
trap 'kill $pids 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  curl -sf "http://localhost:$ACTIONS_PORT/health" >/dev/null && break
  kill -0 $pids 2>/dev/null || { echo "error: the action server exited (see above)" >&2; exit 1; }
  sleep 1
done

case "$mode" in
  serve)
    .venv/bin/python scripts/serve_web.py --port "$WEB_PORT" --rasa-url "http://localhost:$RASA_PORT" &
    pids="$pids $!"
    echo "Chat page: http://localhost:$WEB_PORT/  (Rasa REST: POST http://localhost:$RASA_PORT/webhooks/rest/webhook, action server :$ACTIONS_PORT)"
    "$RASA" run --model models/bot.tar.gz --endpoints "${ENDPOINTS:-endpoints.yml}" --credentials credentials.yml --port "$RASA_PORT"
    ;;
  shell)
    "$RASA" shell --model models/bot.tar.gz --endpoints "${ENDPOINTS:-endpoints.yml}"
    ;;
  *) echo "usage: $0 serve|shell" >&2; exit 2 ;;
esac
