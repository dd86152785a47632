#!/usr/bin/env bash
# Builds the fixture images locally FROM scratch (no registry can be reached):
#   dockhand-fixture-app:v1, :v2 (another /version), :broken (never healthy), :crash (exits 1 at start)
#   dockhand-fixture-app:flaky (healthy at every start; `rm /www/health` inside makes it unhealthy)
#   dockhand-fixture-app:erratic (healthy, `/` answers 500 on FAIL_PERCENT=20 % of requests), :slow (`/` waits SLOW_MS=300)
#   dockhand-edge:1 (nginx, for traffic switching)
#   dockhand-fixture-scan:hardened, :key (+ a private key), :setuid (+ a setuid binary) for security scans
#   dockhand-fixture-vuln:v1, :v2 — the hardened scan fixture dressed as Debian 12 (os-release, dpkg status);
#     v1 ships dockhand-demo-lib 1.0-1, which the test vulnerability database (scripts/trivy-db) lists as
#     CVE-2099-0001, v2 the fixed 1.0-2
# An image is rebuilt only when its inputs change (label dockhand.fixture.hash).
LOG_TAG=fixtures
. "$(dirname "${BASH_SOURCE[0]}")/lib/build-env.sh"
FIX="$ROOT/test/fixtures"

need() { # need <file> <debian package>
  [ -e "$1" ] || apt_install "$APT_LOG" "$2"
}
need /bin/busybox busybox-static
need /usr/sbin/nginx nginx-light

busybox_root() { # busybox_root <dir>: a root with busybox and the applets tests use
  mkdir -p "$1/bin" "$1/etc" "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for a in sh sed cat ls ps wget sleep echo kill id env nc top; do ln -sf busybox "$1/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$1/etc/group"
  chmod 1777 "$1/tmp"
}

build() { # build <tag> <context> <dockerfile> [build args...]
  local tag=$1 ctx=$2 file=$3; shift 3
  local hash; hash="$( (cd "$ctx" && find . -type f -o -type l | LC_ALL=C sort | xargs -d '\n' sha256sum; cat "$ctx/$file"; echo "$*") | sha256sum | cut -c1-16)"
  local have; have="$(docker image inspect --format '{{index .Config.Labels "dockhand.fixture.hash"}}' "$tag" 2>/dev/null || true)"
  if [ "$have" = "$hash" ]; then log "$tag is current"; return; fi
  log "building $tag"
  docker build -q -t "$tag" -f "$ctx/$file" --label "dockhand.fixture.hash=$hash" "$@" "$ctx" >/dev/null 2>"$WORK/build.err" \
    || { cat "$WORK/build.err" >&2; exit 1; }
}

# --- the app, in four versions ---
for v in v1 v2 broken crash; do
  ctx="$WORK/app-$v"; busybox_root "$ctx/rootfs"; mkdir -p "$ctx/rootfs/www"
  cp "$FIX/app/Dockerfile" "$FIX/app/Dockerfile.crash" "$ctx/"
  echo "$v" >"$ctx/rootfs/www/version"
  printf '<h1>dockhand fixture app %s</h1>\n' "$v" >"$ctx/rootfs/www/index.html"
  # broken: no /health, so the health check gets 404 and the container never becomes healthy.
  [ "$v" != broken ] && echo ok >"$ctx/rootfs/www/health"
  if [ "$v" = crash ]; then build "dockhand-fixture-app:$v" "$ctx" Dockerfile.crash
  else build "dockhand-fixture-app:$v" "$ctx" Dockerfile --build-arg "VERSION=$v"; fi
done

# --- the app that turns unhealthy on demand (remediation tests) ---
ctx="$WORK/app-flaky"; busybox_root "$ctx/rootfs"; mkdir -p "$ctx/rootfs/www"
cp "$FIX/app/Dockerfile.flaky" "$ctx/"
echo flaky >"$ctx/rootfs/www/version"
build "dockhand-fixture-app:flaky" "$ctx" Dockerfile.flaky

# --- the apps broken at runtime (canary tests): healthy, but `/` fails or is slow ---
for v in erratic:20:0 slow:0:300; do
  IFS=: read -r name fail slow <<<"$v"
  ctx="$WORK/app-$name"; busybox_root "$ctx/rootfs"; mkdir -p "$ctx/rootfs/www/cgi-bin"
  cp "$FIX/app/Dockerfile.cgi" "$ctx/"
  echo ok >"$ctx/rootfs/www/health"; echo "$name" >"$ctx/rootfs/www/version"
  install -m 755 "$FIX/app/index.cgi" "$ctx/rootfs/www/cgi-bin/index.cgi"
  build "dockhand-fixture-app:$name" "$ctx" Dockerfile.cgi --build-arg "VERSION=$name" --build-arg "FAIL_PERCENT=$fail" --build-arg "SLOW_MS=$slow"
done

# --- the nginx edge ---
ctx="$WORK/edge"; r="$ctx/rootfs"; busybox_root "$r"
mkdir -p "$r/usr/sbin" "$r/etc/nginx/conf.d" "$r/var/lib/nginx" "$r/var/log/nginx" "$r/run"
cp /usr/sbin/nginx "$r/usr/sbin/nginx"
for lib in $(ldd /usr/sbin/nginx | grep -oE '/[^ ]+'); do mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; done
cp /etc/nginx/mime.types "$r/etc/nginx/mime.types"
cp "$FIX/edge/nginx.conf" "$r/etc/nginx/nginx.conf"
cp "$FIX/edge/default.conf" "$r/etc/nginx/conf.d/default.conf"
cp "$FIX/edge/Dockerfile" "$ctx/Dockerfile"
build "dockhand-edge:1" "$ctx" Dockerfile
# --- security-scan fixtures ---
# Key material is generated once with openssl and kept in the state dir, so the images' inputs (and so
# their hashes) stay the same from one run to the next.
need /usr/bin/openssl openssl
KEYS="${DOCKHAND_STATE_DIR:-$ROOT/.dockhand}/fixture-keys"
if [ ! -s "$KEYS/server.pem" ]; then
  mkdir -p "$KEYS"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$KEYS/server.key" -out "$KEYS/server.pem" -days 3650 -subj "/CN=dockhand-fixture" 2>/dev/null
fi
scan_root() { # scan_root <dir>: the hardened fixture's filesystem
  busybox_root "$1"; mkdir -p "$1/www" "$1/etc/ssl/certs"
  printf 'root:*:19000:0:99999:7:::\nnobody:!:19000::::::\n' >"$1/etc/shadow"; chmod 640 "$1/etc/shadow"
  cp "$KEYS/server.pem" "$1/etc/ssl/certs/dockhand-fixture.pem"
  echo ok >"$1/www/health"; echo scan >"$1/www/version"
}
for v in hardened key setuid; do
  ctx="$WORK/scan-$v"; scan_root "$ctx/rootfs"; cp "$FIX/scan/Dockerfile" "$FIX/scan/Dockerfile.setuid" "$ctx/"
  case $v in
    key) mkdir -p "$ctx/rootfs/app"; cp "$KEYS/server.key" "$KEYS/server.pem" "$ctx/rootfs/app/" ;;
    setuid) mkdir -p "$ctx/rootfs/usr/local/bin"; printf '#!/bin/sh\necho helper\n' >"$ctx/rootfs/usr/local/bin/helper"; chmod 755 "$ctx/rootfs/usr/local/bin/helper" ;;
  esac
  build "dockhand-fixture-scan:$v" "$ctx" "$([ $v = setuid ] && echo Dockerfile.setuid || echo Dockerfile)"
done
# --- vulnerability-scan fixtures: what Trivy reads to know the OS and its packages ---
dpkg_entry() { # dpkg_entry <package> <version>: one stanza of /var/lib/dpkg/status
  printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nSection: libs\nMaintainer: Dockhand <fixtures@dockhand.invalid>\nArchitecture: amd64\nVersion: %s\nDescription: Dockhand test fixture package\n\n' "$1" "$2"
}
for v in v1 v2; do
  ctx="$WORK/vuln-$v"; scan_root "$ctx/rootfs"; cp "$FIX/scan/Dockerfile" "$ctx/"
  mkdir -p "$ctx/rootfs/var/lib/dpkg"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n' >"$ctx/rootfs/etc/os-release"
  echo 12.5 >"$ctx/rootfs/etc/debian_version"
  { dpkg_entry base-files 12.4+deb12u5; dpkg_entry dockhand-demo-lib "$([ $v = v1 ] && echo 1.0-1 || echo 1.0-2)"; } >"$ctx/rootfs/var/lib/dpkg/status"
  build "dockhand-fixture-vuln:$v" "$ctx" Dockerfile
done
log "fixture images ready"
