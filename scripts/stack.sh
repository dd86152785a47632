#!/usr/bin/env bash
# The local stack Dockhand runs against: Docker Engine, Redis, the Temporal dev server (server + Web UI),
# and the fixture images. `up` is idempotent: it uses whatever already answers and starts only what is
# missing; `down` stops only what `up` started (it keeps pid files in $DOCKHAND_STATE_DIR).
#
#   scripts/stack.sh up [--hosts N] | down | status | redis | temporal <args> | chromium | compose
#   (`temporal` runs the Temporal CLI on the stack; `chromium` prints a browser's path, installing Debian's
#   package first when there is none — only the Temporal UI browser test needs it)
#
# `up --hosts N` (1–8, root on Linux) adds N test hosts: Docker Engines in network namespaces of their own,
# a host agent each and an image registry (docs/fleet-hosts.md); it installs Debian's docker-registry and
# skopeo when missing. `down` removes the test hosts too (also what a crashed run left).
#
# `up` also makes sure a Trivy binary exists for the host agents' image vulnerability scans (TRIVY_PATH, else
# trivy on PATH, else built once from Go modules into the cache, in the background while the rest comes up)
# and builds scripts/trivy-db, the tool that writes the tests' small vulnerability database.
#
# Configuration (all optional): DOCKER_HOST, REDIS_URL, TEMPORAL_ADDRESS, TEMPORAL_CLI_PATH, TRIVY_PATH,
# DOCKHAND_STATE_DIR (default <repo>/.dockhand), DOCKHAND_CACHE_DIR (default ~/.cache/dockhand),
# TEMPORAL_UI_PORT (default 8233), DOCKHAND_CODEC_PORT (default 8234: with DOCKHAND_CODEC_KEYS or
# DOCKHAND_CODEC_KEY_FILE set, `up` starts `dockhand codec-server` there and the dev server's UI decodes through it).
# A REDIS_URL on this machine that does not answer is started, on its port, with its password (requirepass, given
# on stdin, never in the process list): `REDIS_URL=redis://:<password>@127.0.0.1:6379 scripts/stack.sh up`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${DOCKHAND_STATE_DIR:-$ROOT/.dockhand}"
CACHE="${DOCKHAND_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dockhand}"
# v1.4.1 is the newest CLI tag that `go install` accepts: later tags carry a `replace` directive
# (see docs/temporal-dev-server.md for the build figures).
TEMPORAL_CLI_TAG="${TEMPORAL_CLI_TAG:-v1.4.1}"
# Keep in step with activities/scan/trivy/trivy-binary.ts (the agent looks for this build).
# GOEXPERIMENT=jsonv2: v0.74.0 imports encoding/json/v2, which Go 1.25/1.26 ship behind that flag.
TRIVY_VERSION="${TRIVY_VERSION:-v0.74.0}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
DOCKHAND_CODEC_PORT="${DOCKHAND_CODEC_PORT:-8234}"
# Keep in step with common/search-attributes.ts.
SEARCH_ATTRIBUTES=(DockhandService DockhandPhase DockhandImage DockhandHost DockhandWorkflow)

mkdir -p "$STATE"
log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------------------
started_by_us() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
wait_until() { # wait_until <seconds> <what> <command...>
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && die "$what did not answer within ${secs}s"
    sleep 0.3
  done
}
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
redis_host_port() { local hp="${REDIS_URL#*://}"; hp="${hp##*@}"; hp="${hp%%/*}"; echo "$hp"; }
# The password of REDIS_URL (redis://[user]:password@host:port), %-decoded; empty when it has none.
redis_password() {
  local rest="${REDIS_URL#*://}"
  case "$rest" in *@*) ;; *) return 0 ;; esac
  local info="${rest%@*}"
  case "$info" in *:*) ;; *) return 0 ;; esac
  local pw="${info#*:}"
  pw="${pw//\\/\\\\}" # a literal backslash stays one (printf %b below decodes only %XX)
  printf '%b' "${pw//%/\\x}"
}
# REDIS_URL as printed: its password as <redacted> (as the workers print it).
redis_shown() { if [ -n "$(redis_password)" ]; then echo "${REDIS_URL%%://*}://${REDIS_URL#*://}" | sed -E 's#(://[^:/@]*):[^@]*@#\1:<redacted>@#'; else echo "$REDIS_URL"; fi; }
redis_ping() {
  local hp pw; hp="$(redis_host_port)"; pw="$(redis_password)"
  # Plain RESP over bash's /dev/tcp, in a subshell, so no redis-cli is needed just to look; AUTH first
  # when REDIS_URL carries a password (sent as a RESP array, so any character may be in it).
  ( exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}" || exit 1
    if [ -n "$pw" ]; then
      printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "$(printf %s "$pw" | wc -c)" "$pw" >&3
      read -r -t 2 reply <&3 || exit 1
      [[ "$reply" == +OK* ]] || exit 1
    fi
    printf 'PING\r\n' >&3
    read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == +PONG* ]] ) 2>/dev/null
}
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
temporal_up() { tcp_open "${TEMPORAL_ADDRESS%:*}" "${TEMPORAL_ADDRESS##*:}"; }
temporal_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then [ -x "$TEMPORAL_CLI_PATH" ] || die "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not executable"; echo "$TEMPORAL_CLI_PATH"; return; fi
  if command -v temporal >/dev/null; then command -v temporal; return; fi
  local bin="$CACHE/temporal-$TEMPORAL_CLI_TAG/temporal"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || apt_install "$STATE/apt.log" golang-go
    log "building the Temporal CLI $TEMPORAL_CLI_TAG from Go modules into $CACHE (takes minutes, once)"
    mkdir -p "$(dirname "$bin")"
    ( cd "$CACHE" && GOTOOLCHAIN=local GOBIN="$(dirname "$bin")" CGO_ENABLED=0 \
        go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_TAG" ) >"$CACHE/temporal-build.log" 2>&1 \
      || die "building the Temporal CLI failed (see $CACHE/temporal-build.log)"
  fi
  echo "$bin"
}

# Trivy for the host agents: TRIVY_PATH, trivy on PATH, or a build in the cache (about 8 minutes on
# 2 cores, once). trivy_start begins the build in the background so it overlaps the other set-up;
# trivy_wait waits for it at the end of `up`.
trivy_bin() { echo "$CACHE/trivy-$TRIVY_VERSION/trivy"; }
trivy_start() {
  if [ -n "${TRIVY_PATH:-}" ]; then [ -x "$TRIVY_PATH" ] || die "TRIVY_PATH=$TRIVY_PATH is not executable"; return; fi
  command -v trivy >/dev/null && return
  [ -x "$(trivy_bin)" ] && return
  command -v go >/dev/null || apt_install "$STATE/apt.log" golang-go
  log "building Trivy $TRIVY_VERSION from Go modules into $CACHE in the background (takes minutes, once; log $CACHE/trivy-build.log)"
  mkdir -p "$(dirname "$(trivy_bin)")"
  ( cd "$CACHE" && GOTOOLCHAIN=local GOEXPERIMENT=jsonv2 CGO_ENABLED=0 GOBIN="$(dirname "$(trivy_bin)")" \
      go install "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION" ) >"$CACHE/trivy-build.log" 2>&1 &
  TRIVY_BUILD_PID=$!
}
trivy_wait() {
  if [ -n "${TRIVY_BUILD_PID:-}" ]; then
    log "waiting for the Trivy build to finish"
    wait "$TRIVY_BUILD_PID" || die "building Trivy failed (see $CACHE/trivy-build.log)"
    log "trivy: built $(trivy_bin)"
  fi
}
# The tool that writes the tests' vulnerability database (scripts/trivy-db), rebuilt when its source changes.
trivy_db_tool() {
  local hash; hash="$(cat "$ROOT/scripts/trivy-db/"*.go "$ROOT/scripts/trivy-db/"go.{mod,sum} | sha256sum | cut -c1-12)"
  local bin="$CACHE/trivy-db-$hash/trivy-db"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || apt_install "$STATE/apt.log" golang-go
    log "building the test vulnerability database tool (scripts/trivy-db)"
    mkdir -p "$(dirname "$bin")"
    ( cd "$ROOT/scripts/trivy-db" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -o "$bin" . ) >"$CACHE/trivy-db-build.log" 2>&1 \
      || die "building scripts/trivy-db failed (see $CACHE/trivy-db-build.log)"
  fi
  ln -sfn "$bin" "$CACHE/trivy-db-tool"
}

# --- components ----------------------------------------------------------------------------------
docker_up() {
  if docker info >/dev/null 2>&1; then log "docker: using the engine that answers (${DOCKER_HOST:-unix:///var/run/docker.sock})"; return; fi
  [ -n "${DOCKER_HOST:-}" ] && die "DOCKER_HOST=$DOCKER_HOST does not answer"
  [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ] || die "no Docker Engine answers; start one (Dockhand starts dockerd itself only as root on Linux)"
  command -v dockerd >/dev/null || apt_install "$STATE/apt.log" docker.io
  command -v docker >/dev/null || apt_install "$STATE/apt.log" docker.io
  log "docker: starting dockerd (log: $STATE/dockerd.log)"
  setsid dockerd </dev/null >"$STATE/dockerd.log" 2>&1 &
  echo $! >"$STATE/dockerd.pid"
  wait_until 60 "dockerd" docker info
}
redis_up() {
  if redis_ping; then log "redis: using $(redis_shown)"; return; fi
  # A Redis on this machine is started (any port; with REDIS_URL's password as requirepass); a remote
  # one, TLS (rediss://) or Sentinel must already answer.
  local hp port; hp="$(redis_host_port)"; port="${hp##*:}"
  [[ "$REDIS_URL" =~ ^redis://([^@/]*@)?(127\.0\.0\.1|localhost):[0-9]+/?[0-9]*$ ]] || die "REDIS_URL=$(redis_shown) does not answer"
  command -v redis-server >/dev/null || apt_install "$STATE/apt.log" redis-server
  local name=redis; [ "$port" = 6379 ] || name="redis-$port"
  mkdir -p "$STATE/$name"
  log "redis: starting redis-server on 127.0.0.1:$port (append-only, data in $STATE/$name$([ -n "$(redis_password)" ] && echo ', password from REDIS_URL'))"
  # The configuration goes in on stdin, so the password never shows in the process list.
  { printf 'bind 127.0.0.1\nport %s\ndir %s\nappendonly yes\nsave ""\nlogfile %s\n' "$port" "$STATE/$name" "$STATE/$name.log"
    if [ -n "$(redis_password)" ]; then printf 'requirepass "%s"\n' "$(redis_password | sed 's/[\\"]/\\&/g')"; fi
  } | setsid redis-server - --daemonize no >/dev/null 2>&1 &
  echo $! >"$STATE/$name.pid"
  wait_until 20 "redis-server" redis_ping
}
codec_keys() { [ -n "${DOCKHAND_CODEC_KEYS:-}" ] || [ -n "${DOCKHAND_CODEC_KEY_FILE:-}" ]; }
# Payloads are encrypted when keys are configured: the UI then shows them through the codec server (it
# runs with the same keys; the browser calls it, so it listens where the UI's users are: 127.0.0.1).
codec_up() {
  codec_keys || return 0
  if tcp_open 127.0.0.1 "$DOCKHAND_CODEC_PORT"; then log "codec server: using http://127.0.0.1:$DOCKHAND_CODEC_PORT"; return; fi
  log "codec server: starting on http://127.0.0.1:$DOCKHAND_CODEC_PORT (log: $STATE/codec-server.log)"
  ( cd "$ROOT" && setsid node bin/dockhand.js codec-server --port "$DOCKHAND_CODEC_PORT" \
      --origin "http://127.0.0.1:$TEMPORAL_UI_PORT" "http://localhost:$TEMPORAL_UI_PORT" \
      </dev/null >"$STATE/codec-server.log" 2>&1 & echo $! >"$STATE/codec-server.pid" )
  wait_until 60 "the codec server" tcp_open 127.0.0.1 "$DOCKHAND_CODEC_PORT"
}
temporal_up_or_start() {
  if temporal_up; then
    log "temporal: using $TEMPORAL_ADDRESS"
    if codec_keys; then log "temporal: already running, so its UI decodes only if it was started with --ui-codec-endpoint http://127.0.0.1:$DOCKHAND_CODEC_PORT"; fi
    return
  fi
  [ "$TEMPORAL_ADDRESS" = "127.0.0.1:7233" ] || die "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS does not answer"
  local cli; cli="$(temporal_cli)"
  local sa=(); for a in "${SEARCH_ATTRIBUTES[@]}"; do sa+=(--search-attribute "$a=Keyword"); done
  local codec=(); if codec_keys; then codec=(--ui-codec-endpoint "http://127.0.0.1:$DOCKHAND_CODEC_PORT"); fi
  log "temporal: starting the dev server ($cli), UI on http://127.0.0.1:$TEMPORAL_UI_PORT"
  # WAL with synchronous=normal: SQLite's default (a sync per commit) halves the workflow starts per second
  # (22/s against 47/s measured on the 2-core dev box, bench/remediation.ts); a process crash or restart
  # loses nothing, only a power cut may lose the last commits — fine for a dev server.
  setsid "$cli" server start-dev --ip 127.0.0.1 --port 7233 --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$STATE/temporal.db" --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
    --log-level warn "${sa[@]}" ${codec[@]+"${codec[@]}"} \
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true \
    --dynamic-config-value frontend.workerVersioningWorkflowAPIs=true \
    </dev/null >"$STATE/temporal.log" 2>&1 &
  echo $! >"$STATE/temporal.pid"
  wait_until 60 "the Temporal dev server" temporal_up
}
fixtures_up() { "$ROOT/scripts/build-fixtures.sh"; }
test_hosts() { # test_hosts up <N> | down  (cli/lib/test-hosts.ts does the work)
  ( cd "$ROOT" && node --require tsx/cjs scripts/test-hosts.ts "$@" )
}
test_hosts_up() {
  local n=$1
  [[ "$n" =~ ^[1-8]$ ]] || die "--hosts: \"$n\" is not a whole number from 1 to 8"
  [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ] || die "--hosts needs root on Linux (network namespaces)"
  test_host_packages
  test_hosts up "$n"
}
test_host_packages() { # the registry the test hosts pull from, the tool that copies fixture images into it,
  # and the OCI runtime of their engines (cli/lib/engine-runtime.ts)
  [ -x /usr/bin/docker-registry ] || apt_install "$STATE/apt.log" docker-registry
  command -v skopeo >/dev/null || apt_install "$STATE/apt.log" skopeo
  [ -x /usr/bin/crun ] || apt_install "$STATE/apt.log" crun
}
test_hosts_down() {
  # Only root can have made test hosts; anyone else has none to remove.
  if [ "$(id -u)" = 0 ] && [ "$(uname -s)" = Linux ]; then test_hosts down; fi
}
# Only the Temporal UI browser test needs a browser (test/support/browser.ts runs this when none is
# found), so `up` does not install one. Debian's package: puppeteer-core drives it, nothing is downloaded.
chromium_path() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not executable"; echo "$CHROMIUM_PATH"; return; fi
  command -v chromium >/dev/null || apt_install "$STATE/apt.log" chromium
  command -v chromium
}

# Only the production-stack test validates docker-compose.yml, with Debian's docker-compose (a real
# parser of the Compose file format); installed the first time it runs, like the browser.
compose_path() {
  command -v docker-compose >/dev/null || apt_install "$STATE/apt.log" docker-compose
  command -v docker-compose
}

stop_ours() { # stop_ours <name>
  if started_by_us "$1"; then
    local pid; pid="$(cat "$STATE/$1.pid")"
    log "$1: stopping pid $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/$1.pid"
}

status() {
  local who
  who() { started_by_us "$1" && echo "started by dockhand, pid $(cat "$STATE/$1.pid")" || echo "external"; }
  if docker info >/dev/null 2>&1; then echo "docker    up    ${DOCKER_HOST:-unix:///var/run/docker.sock} ($(who dockerd))"; else echo "docker    down"; fi
  local rname=redis; [ "$(redis_host_port)" = 127.0.0.1:6379 ] || rname="redis-$(redis_host_port | sed 's/.*://')"
  if redis_ping; then echo "redis     up    $(redis_shown) ($(who "$rname"))"; else echo "redis     down  $(redis_shown)"; fi
  if codec_keys; then
    if tcp_open 127.0.0.1 "$DOCKHAND_CODEC_PORT"; then echo "codec     up    http://127.0.0.1:$DOCKHAND_CODEC_PORT ($(who codec-server))"; else echo "codec     down  http://127.0.0.1:$DOCKHAND_CODEC_PORT"; fi
  fi
  if temporal_up; then echo "temporal  up    $TEMPORAL_ADDRESS ($(who temporal))  Web UI: http://127.0.0.1:$TEMPORAL_UI_PORT"; else echo "temporal  down  $TEMPORAL_ADDRESS"; fi
  local socks; socks="$( (ls /run/dockhand/fleet[1-8].sock 2>/dev/null || true) | sed 's#.*/##; s#\.sock##' | tr '\n' ' ')"
  local trivy; trivy="${TRIVY_PATH:-$(command -v trivy || trivy_bin)}"
  if [ -x "$trivy" ]; then echo "trivy     $trivy"; else echo "trivy     missing (scripts/stack.sh up builds it)"; fi
  if [ -n "$socks" ]; then echo "hosts     $socks(DOCKER_HOST=unix:///run/dockhand/<host>.sock; registry 10.213.100.1:5100)"; fi
  if docker info >/dev/null 2>&1; then
    echo "images    $(docker images --filter label=dockhand.fixture=true --filter dangling=false --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')"
  fi
}

case "${1:-}" in
  up)
    hosts=0
    if [ "${2:-}" = --hosts ]; then hosts="${3:-}"; elif [[ "${2:-}" == --hosts=* ]]; then hosts="${2#--hosts=}"; elif [ -n "${2:-}" ]; then die "unknown option ${2} (use --hosts N)"; fi
    mkdir -p "$CACHE"; trivy_start
    docker_up; redis_up; codec_up; temporal_up_or_start; fixtures_up; trivy_db_tool
    if [ "$hosts" != 0 ]; then test_hosts_up "$hosts"; fi
    trivy_wait
    status ;;
  down) test_hosts_down; stop_ours temporal; stop_ours codec-server; stop_ours redis
    for f in "$STATE"/redis-*.pid; do [ -e "$f" ] && { n="${f##*/}"; stop_ours "${n%.pid}"; }; done
    stop_ours dockerd; status ;;
  status) status ;;
  redis) redis_up ;; # only the Redis of REDIS_URL, as `up` starts it (a test of a password Redis uses it)
  test-host-packages) test_host_packages ;; # what test hosts need (a test that makes its own runs this)
  temporal) shift; exec "$(temporal_cli)" "$@" --address "$TEMPORAL_ADDRESS" ;;
  chromium) chromium_path ;;
  compose) compose_path ;;
  *) echo "usage: $0 up [--hosts N]|down|status|redis|temporal <args>|chromium|compose" >&2; exit 2 ;;
esac
