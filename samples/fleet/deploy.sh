#!/usr/bin/env bash
# Deploys one build of the shop service to one host of the local fleet: stops what runs on the host's port and starts
# the build there, then waits for /health. Called by `pipelines canary` once per host as
#   deploy.sh <host:port> <version>     (rollback calls it with the previous version)
# with each value a separate argument: nothing here is evaluated as shell text.
set -euo pipefail
host="$1"
version="$2"
fleet="${FLEET_DIR:?FLEET_DIR must name the local fleet folder (builds, pids, logs)}"
case "$host" in 127.0.0.1:[0-9]*) ;; *) echo "deploy.sh: this local fleet only has 127.0.0.1:<port> hosts, not '$host'" >&2; exit 2 ;; esac
case "$version" in *[!A-Za-z0-9._-]*|'') echo "deploy.sh: '$version' is not a build name" >&2; exit 2 ;; esac
build="$fleet/builds/$version/Shop.Service.dll"
[ -f "$build" ] || { echo "deploy.sh: no build '$version' in $fleet/builds" >&2; exit 2; }
port="${host##*:}"
mkdir -p "$fleet/pids" "$fleet/logs"
if [ -f "$fleet/pids/$port" ]; then
  kill "$(cat "$fleet/pids/$port")" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$(cat "$fleet/pids/$port")" 2> /dev/null || break; sleep 0.1; done
fi
SHOP_VERSION="$version" nohup dotnet "$build" --urls "http://$host" > "$fleet/logs/$port.log" 2>&1 &
echo $! > "$fleet/pids/$port"
for _ in $(seq 100); do
  curl -fsS "http://$host/health" > /dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "deploy.sh: $host did not answer /health within 10 s" >&2
exit 1
