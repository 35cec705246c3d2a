#!/usr/bin/env bash
# Starts the action server, waits until it answers, then the chat page and the Rasa
# server (serve) or the Rasa server and a console chat (shell). All stop together.
#
# Rasa's HTTP API stays off unless API=on, which needs RASA_API_TOKEN or
# RASA_JWT_SECRET (every API call must then carry it).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var  # the SQLite tracker store of endpoints.yml lives here
mode="${1:-serve}"
RASA=.venv/bin/rasa
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8080}"
ENDPOINTS="${ENDPOINTS:-endpoints.yml}"
# in-process: the actions run inside the Rasa server (endpoints.yml actions_module);
# server: a separate action server, as production runs it.
ACTIONS="${ACTIONS:-in-process}"

case "$ACTIONS" in
  in-process) ;;
  server)
    # Rasa must call the action server (no actions_module), on ACTIONS_PORT.
    sed -e "/^  actions_module:/d" -e "s#127.0.0.1:5055/#127.0.0.1:$ACTIONS_PORT/#" "$ENDPOINTS" \
      >"var/endpoints-server-$ACTIONS_PORT.yml"
    ENDPOINTS="var/endpoints-server-$ACTIONS_PORT.yml" ;;
  *) echo "error: ACTIONS must be in-process or server" >&2; exit 2 ;;
esac

api_args=()
case "${API:-off}" in
  off) ;;
  on)
    if [ -n "${RASA_JWT_SECRET:-}" ]; then
      api_args=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method HS256)
    elif [ -n "${RASA_API_TOKEN:-}" ]; then
      api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
    else
      echo "error: API=on needs RASA_API_TOKEN or RASA_JWT_SECRET" >&2; exit 2
    fi ;;
  *) echo "error: API must be on or off" >&2; exit 2 ;;
esac

# Every server runs in the background and the script waits for them: bash runs a
# signal's trap only between commands, so a server in the foreground would keep a
# SIGTERM from a supervisor (systemd, a container runtime) from stopping anything.
pids=""
trap '[ -z "$pids" ] || kill $pids 2>/dev/null || true' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

wait_for() {  # url, pid of the process that should answer it
  for _ in $(seq 1 240); do
    curl -sf "$1" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "error: a server exited (see above)" >&2; exit 1; }
    sleep 0.5
  done
  echo "error: $1 did not answer" >&2; exit 1
}
if [ "$ACTIONS" = server ]; then
  # It checks the shared secret and listens on loopback (rasa_sdk_plugins/shared_secret.py).
  "$RASA" run actions --actions actions --port "$ACTIONS_PORT" &
  pids=$!
  wait_for "http://127.0.0.1:$ACTIONS_PORT/health" "$pids"
fi

rasa_run=("$RASA" run --model models/bot.tar.gz --endpoints "$ENDPOINTS" --credentials credentials.yml
          --port "$RASA_PORT" "${api_args[@]}")
case "$mode" in
  serve)
    .venv/bin/python scripts/serve_web.py --port "$WEB_PORT" --rasa-url "http://localhost:$RASA_PORT" &
    pids="$pids $!"
    echo "Chat page: http://localhost:$WEB_PORT/  (Rasa REST: POST http://localhost:$RASA_PORT/webhooks/rest/webhook, actions: $ACTIONS)"
    "${rasa_run[@]}" &
    pids="$pids $!"
    wait -n $pids  # one server ending ends them all (the EXIT trap)
    ;;
  shell)
    # Rasa's own console client, on the project's REST channel: unlike `rasa shell`
    # (whose built-in channel skips channels/guard.py), messages are masked and guarded.
    "${rasa_run[@]}" >var/shell-rasa.log 2>&1 &
    rasa_pid=$!
    pids="$pids $rasa_pid"
    echo "Starting the bot (log: var/shell-rasa.log)…"
    wait_for "http://127.0.0.1:$RASA_PORT/webhooks/rest/" "$rasa_pid"
    .venv/bin/python scripts/console.py --url "http://127.0.0.1:$RASA_PORT" <&0 &
    console_pid=$!
    pids="$pids $console_pid"  # a signal to this script must stop the console too
    wait "$console_pid"
    ;;
  *) echo "usage: $0 serve|shell" >&2; exit 2 ;;
esac
