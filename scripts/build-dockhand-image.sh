#!/usr/bin/env bash
# Builds dockhand:local from docker/Dockerfile on a machine that cannot pull images (the project's CI):
#   1. the production dependencies, installed with npm into the context's docker/deps/node_modules;
#   2. dockhand-node-base:local, FROM scratch: this machine's node and the libraries `ldd` lists for it
#      and the dependencies' native addons, busybox for the shell, Debian's tini-static as
#      /usr/bin/tini, a passwd with uid 1000;
#   3. docker/Dockerfile with NODE_IMAGE=dockhand-node-base:local (the same file users build).
# Prints the image id. Used by test/integration/production-stack.test.ts.
LOG_TAG=dockhand-image
. "$(dirname "${BASH_SOURCE[0]}")/lib/build-env.sh"
TAG="${1:-dockhand:local}"
for f in /bin/busybox /usr/bin/tini-static; do
  [ -e "$f" ] && continue
  pkg=busybox-static; [ "$f" = /usr/bin/tini-static ] && pkg=tini
  apt_install "$APT_LOG" "$pkg"
done

# 1. the context: the repository's files, and the production dependencies
ctx="$WORK/ctx"; mkdir -p "$ctx"
(cd "$ROOT" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$ctx" 2>/dev/null || true)
mkdir -p "$ctx/docker/deps"; cp "$ROOT/package.json" "$ROOT/package-lock.json" "$ctx/docker/deps/"
log "installing production dependencies"
(cd "$ctx/docker/deps" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)

# 2. the base (after the dependencies: their native addons need libraries too, e.g. librt)
base="$WORK/base"; r="$base/rootfs"; mkdir -p "$r/bin" "$r/usr/bin" "$r/etc" "$r/tmp"
cp /bin/busybox "$r/bin/busybox"
for a in sh mkdir chown mv rm cat ls true; do ln -sf busybox "$r/bin/$a"; done
node="$(readlink -f "$(command -v node)")"
cp "$node" "$r/usr/bin/node"
addons="$(find "$ctx/docker/deps/node_modules" -name '*.node' -path '*linux-x64-gnu*' -o -name '*.node' -path '*x86_64-unknown-linux-gnu*')"
for lib in $( (ldd "$node"; for a in $addons; do ldd "$a" 2>/dev/null || true; done) | grep -o '/[^ ]*' | sort -u); do mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; done
cp /usr/bin/tini-static "$r/usr/bin/tini"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$r/etc/group"
chmod 1777 "$r/tmp"
printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/bin:/bin\n' >"$base/Dockerfile"
log "building dockhand-node-base:local (node $(node -v))"
docker build -q -t dockhand-node-base:local "$base" >/dev/null

# 3. the image
log "building $TAG"
docker build -q -t "$TAG" --build-arg NODE_IMAGE=dockhand-node-base:local -f "$ctx/docker/Dockerfile" "$ctx"
