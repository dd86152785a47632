#!/bin/sh
# The seed's blue-green procedure (blue-green-deploy.sh), as the guide has it: run green, poll its
# health, sed the nginx config to point at green, reload nginx, remove blue.
#   bench/blue-green.sh <blue> <green> <image> <network> <edge>
# Prints healthy_at=<epoch ms> when green first reports healthy (for the switch latency).
set -eu
BLUE=$1 GREEN=$2 IMAGE=$3 NETWORK=$4 EDGE=$5

docker run -d --init --name "$GREEN" --network "$NETWORK" "$IMAGE" >/dev/null
until [ "$(docker inspect -f '{{.State.Health.Status}}' "$GREEN")" = healthy ]; do sleep 1; done
echo "healthy_at=$(date +%s%3N)"
docker exec "$EDGE" sed -i "s/server $BLUE:/server $GREEN:/" /etc/nginx/conf.d/default.conf
docker exec "$EDGE" nginx -s reload
docker rm -f "$BLUE" >/dev/null
