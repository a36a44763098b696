#!/usr/bin/env bash
# Train, serve on a free port, query the server as the seed does, then stop it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python}"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
"$PYTHON" "$HERE/train_and_save.py" model
PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PYTHON" -m weir models serve -m model -h 127.0.0.1 -p "$PORT" &
SERVER=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/ping" >/dev/null && break
  sleep 0.1
done
"$PYTHON" "$HERE/query_model.py" model.test.csv "http://127.0.0.1:$PORT/invocations"
"$PYTHON" -m weir models predict -m model -i model.test.csv -o predictions.json
head -c 200 predictions.json; echo
