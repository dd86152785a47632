# Sourced by the image builders (scripts/build-fixtures.sh, scripts/build-dockhand-image.sh), which set
# LOG_TAG first: strict mode, ROOT (the repository), WORK (a scratch folder removed on exit), the classic
# builder (DOCKER_BUILDKIT=0: every image here is built FROM scratch on a machine without a registry), and
# log() and die(), which write to stderr so stdout stays the builder's answer (an image id), and
# apt_install (scripts/lib/apt-install.sh; its log goes to the stack's state folder, as scripts/stack.sh's).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export DOCKER_BUILDKIT=0
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }
. "$ROOT/scripts/lib/apt-install.sh"
APT_LOG="${DOCKHAND_STATE_DIR:-$ROOT/.dockhand}/apt.log"
mkdir -p "$(dirname "$APT_LOG")"
