# Shared shell helpers for scripts/demo and scripts/test. Source it; do not run it.
# Makes venvs with uv (installed on demand) using the same package sources pip is configured with,
# so torch==2.13.0 comes from the local CPU wheel directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYTHONDONTWRITEBYTECODE=1
PYTHON="${PYTHON:-python3}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    log "installing uv"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
  fi
}

# uv arguments that reach the same sources as pip: find-links and extra indexes from `pip config list`.
uv_source_args() {
  local line key value
  UV_SOURCE_ARGS=(--index-strategy unsafe-best-match)
  while IFS= read -r line; do
    key="${line%%=*}"; value="${line#*=}"; value="${value//\'/}"
    case "$key" in
      *find-links) for v in $value; do [ -d "$v" ] && UV_SOURCE_ARGS+=(--find-links "$v"); done ;;
      *extra-index-url) for v in $value; do UV_SOURCE_ARGS+=(--extra-index-url "$v"); done ;;
      *index-url) UV_SOURCE_ARGS+=(--index-url "$value") ;;
    esac
  done < <("$PYTHON" -m pip config list 2>/dev/null || true)
}

# make_venv DIR PACKAGE... : create (or reuse) a venv at DIR and install the packages into it.
make_venv() {
  local dir="$1"; shift
  ensure_uv; uv_source_args
  [ -x "$dir/bin/python" ] || uv venv --quiet --python "$PYTHON" "$dir"
  uv pip install --quiet --compile-bytecode --python "$dir/bin/python" "${UV_SOURCE_ARGS[@]}" "$@"
}

# Debian packages, installed only when missing (needs root or sudo).
apt_ensure() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
