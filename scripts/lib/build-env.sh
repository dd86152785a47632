# Sourced by the image builders (scripts/build-fixtures.sh, scripts/build-dockhand-image.sh), which set
# LOG_TAG first: strict mode, ROOT (the repository), WORK (a scratch folder removed on exit), the classic
# builder (DOCKER_BUILDKIT=0: every image here is built FROM scratch on a machine without a registry), and
# log(), which writes to stderr so stdout stays the builder's answer (an image id).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export DOCKER_BUILDKIT=0
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
