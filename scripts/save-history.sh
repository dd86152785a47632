#!/usr/bin/env bash
# Saves a finished workflow's history as a replay fixture, test/fixtures/histories/<file>.json, so
# test/unit/workflow-replay.test.ts proves that today's workflow code still replays it (a change that
# would break runs in flight then needs a patched() marker, not a new fixture).
#   scripts/save-history.sh <workflowId> <runId> <file>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -eq 3 ] || { echo "usage: $0 <workflowId> <runId> <file>" >&2; exit 2; }
out="$ROOT/test/fixtures/histories/$3.json"
mkdir -p "${out%/*}"
bash "$ROOT/scripts/stack.sh" temporal workflow show --workflow-id "$1" --run-id "$2" --output json >"$out"
echo "$1 ($2) → ${out#$ROOT/}"
