#!/usr/bin/env bash
# The seed's rolling update, as a peer to measure against: for each replica, stop, rm, run the new
# image, poll until healthy, sleep, next. Usage: rolling-update.sh <service> <image> <count> <network> <sleep-seconds>
set -euo pipefail
service=$1 image=$2 count=$3 network=$4 pause=$5
for i in $(seq 1 "$count"); do
  name="$service-$i"
  docker stop "$name" >/dev/null 2>&1 || true
  docker rm "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" --init --network "$network" "$image" >/dev/null
  until [ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" = healthy ]; do sleep 0.2; done
  sleep "$pause"
done
