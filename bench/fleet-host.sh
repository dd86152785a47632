#!/bin/sh
# One host's blue-green step with the plain docker CLI, the peer of a fleet deploy's per-host engine work
# (bench/fleet.ts): run the new color (the image's health check, as patient as Dockhand's), poll its
# health, point the edge at it and reload nginx in one exec, remove the old color. DOCKER_HOST names the
# engine.   bench/fleet-host.sh <blue> <green> <image> <network> <edge>
set -eu
BLUE=$1 GREEN=$2 IMAGE=$3 NETWORK=$4 EDGE=$5

docker run -d --init --name "$GREEN" --network "$NETWORK" --health-timeout 10s --health-retries 5 "$IMAGE" >/dev/null
until [ "$(docker inspect -f '{{.State.Health.Status}}' "$GREEN")" = healthy ]; do sleep 0.1; done
docker exec "$EDGE" /bin/busybox sh -c \
  "sed -i 's/server $BLUE:/server $GREEN:/' /etc/nginx/conf.d/default.conf && nginx -s reload"
docker rm -f "$BLUE" >/dev/null
