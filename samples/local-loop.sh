#!/usr/bin/env bash
# The main job on the embedded default, on one machine: a throwaway git repository made from samples/shop goes
# through the commit stage the way a team's trunk would —
#   1. a change to billing: select-tests picks the tests it needs, and dotnet test runs exactly those;
#   2. plan-tests spreads all tests over two shards from their timing history, run-tests runs each shard;
#   3. a commit that breaks billing turns trunk red; revert-on-red finds it (flake-aware) and reverts it;
#   4. trunk is green again;
#   5. a good change is deployed to a local fleet of 8 service processes in waves of 1, 2 and 4 — each wave
#      self-tested and judged by the scrape gate while a load generator drives checkouts — and promoted;
#   6. a bad build fails the gate at the first wave and the fleet is rolled back;
#   7. push is not release: on the same fleet, a feature flag (new-checkout) is ramped 1 → 5 → 25 → 100% of users,
#      each step judged by the users who see it against those who do not, while a broken flag (its new flow fails a
#      fifth of checkouts) is switched back to 0% at its first step — both through the Feature Management file the
#      service re-reads on change.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${PIPELINES_WORK:-$root/.pipelines-work}"
cli="$work/cli"
repo="$work/shop"
results="$work/test-results"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pipelines() { dotnet "$cli/pipelines.dll" "$@"; }
json_field() { python3 -c "import json,sys; v=json.load(sys.stdin)['$1']; print(','.join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v)"; }
git_() { git -C "$repo" -c user.name="Dev Eloper" -c user.email=dev@localhost -c init.defaultBranch=main "$@"; }

step "Build the pipelines CLI"
dotnet build "$root/src/Pipelines.Cli/Pipelines.Cli.csproj" --configuration Release --output "$cli" --nologo --verbosity quiet

step "A fresh git repository from samples/shop, with one commit to the billing code"
rm -rf "$repo" "$results"
mkdir -p "$repo"
cp -R "$root/samples/shop/." "$repo/"
rm -rf "$repo"/src/*/bin "$repo"/src/*/obj "$repo"/tests/*/bin "$repo"/tests/*/obj
printf 'bin/\nobj/\n' > "$repo/.gitignore"
git_ init --quiet
git_ add --all
git_ commit --quiet -m "Shop: initial"
printf '\n// Rounded half to even, as the tax office asks.\n' >> "$repo/src/Shop.Billing/Invoice.cs"
git_ commit --quiet --all -m "Billing: explain the rounding"
git_ log --oneline

step "1. pipelines select-tests (HEAD~1..HEAD), then dotnet test of what it selected"
# With --json the readable report goes to stderr (the terminal) and the JSON document to stdout.
selection="$(pipelines select-tests --repo "$repo" --base HEAD~1 --json)"
filter="$(json_field filter <<< "$selection")"
projects="$(json_field projects <<< "$selection")"
if [ "$(json_field runAll <<< "$selection")" = "true" ]; then
  dotnet test "$repo/Shop.slnx" --nologo --verbosity quiet
else
  # The selection: the affected test projects in full, plus the tagged tests wherever they are.
  IFS=',' read -r -a project_list <<< "$projects"
  for project in "${project_list[@]}"; do
    [ -n "$project" ] && dotnet test "$repo/$project" --nologo --verbosity quiet
  done
  [ -n "$filter" ] && dotnet test "$repo/Shop.slnx" --nologo --verbosity quiet --filter "$filter"
fi

step "2. pipelines plan-tests (two shards, from the built assemblies and the history so far), then run-tests per shard"
pipelines plan-tests --repo "$repo" --history "$results" --shards 2 --out "$work/plan.json"
for shard in 1 2; do
  pipelines run-tests --plan "$work/plan.json" --shard "$shard" --results-dir "$results" --dotnet-test-args "$repo/Shop.slnx --no-build"
done

step "3. A commit that breaks billing reaches trunk"
green="$(git_ rev-parse HEAD)"
sed -i.bak 's/MidpointRounding.ToEven)/MidpointRounding.ToEven) + 0.01m/' "$repo/src/Shop.Billing/Invoice.cs" && rm -f "$repo/src/Shop.Billing/Invoice.cs.bak"
git_ commit --quiet --all -m "Billing: add a handling fee"
dotnet build "$repo/Shop.slnx" --nologo --verbosity quiet
failed=""
for shard in 1 2; do
  run="$(pipelines run-tests --plan "$work/plan.json" --shard "$shard" --results-dir "$results" --dotnet-test-args "$repo/Shop.slnx --no-build" --json || true)"
  failed="$failed${failed:+,}$(json_field failed <<< "$run")"
done
failed="$(tr -s ',' <<< "$failed" | sed 's/^,//;s/,$//')"
echo "trunk is red; failing: $failed"

step "pipelines revert-on-red: deflake, find the culprit, confirm it, revert it"
pipelines revert-on-red --repo "$repo" --green "$green" --failed-tests "$failed" \
  --test-command "dotnet test Shop.slnx --nologo --verbosity quiet --filter {filter}" \
  --decision-log "$work/revert-decisions.jsonl"
git_ log --oneline -4

step "4. Trunk is green again"
dotnet build "$repo/Shop.slnx" --nologo --verbosity quiet
for shard in 1 2; do
  pipelines run-tests --plan "$work/plan.json" --shard "$shard" --results-dir "$results" --dotnet-test-args "$repo/Shop.slnx --no-build"
done

step "5. Canary: a good change goes to a local fleet of 8 in waves of 1, 2 and 4, judged by the scrape gate"
fleet="$work/fleet"
export FLEET_DIR="$fleet"
stop_fleet() {
  [ -n "${load_pid:-}" ] && kill "$load_pid" 2> /dev/null || true
  for pid in "$fleet"/pids/*; do [ -f "$pid" ] && kill "$(cat "$pid")" 2> /dev/null || true; done
}
trap stop_fleet EXIT
stop_fleet
rm -rf "$fleet"
mkdir -p "$fleet/builds"
# The service's feature flags (act 7): every host reads this file and re-reads it when it changes.
cp "$repo/src/Shop.Service/flags.json" "$fleet/flags.json"
export SHOP_FLAGS="$fleet/flags.json"
build_service() { dotnet publish "$repo/src/Shop.Service/Shop.Service.csproj" --configuration Release --output "$fleet/builds/$1" --nologo --verbosity quiet; }
hosts="$(python3 -c '
import socket
ports = []
for _ in range(8):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s); 
print(",".join(f"127.0.0.1:{s.getsockname()[1]}" for s in ports))')"
IFS=',' read -r -a host_list <<< "$hosts"
previous="$(git_ rev-parse --short HEAD)"
build_service "$previous"
for host in "${host_list[@]}"; do "$root/samples/fleet/deploy.sh" "$host" "$previous"; done
echo "fleet of ${#host_list[@]} on $previous: $hosts"
python3 "$root/samples/fleet/load.py" "${host_list[@]}" &
load_pid=$!
printf '\n// Checkout answers within 10 ms at the 95th percentile.\n' >> "$repo/src/Shop.Service/Program.cs"
git_ commit --quiet --all -m "Service: note the checkout latency budget"
committed_at="$(date +%s)"
good="$(git_ rev-parse --short HEAD)"
build_service "$good"
deploy="'$root/samples/fleet/deploy.sh' {host} {version}"
rollback="'$root/samples/fleet/deploy.sh' {host} {previous}"
bake=(); [ -n "${PIPELINES_BAKE:-}" ] && bake=(--bake "$PIPELINES_BAKE")   # e.g. PIPELINES_BAKE=1m; default: canary.bake
pipelines canary run --repo "$repo" --hosts "$hosts" --version "$good" --previous "$previous" "${bake[@]}" \
  --deploy-command "$deploy" --rollback-command "$rollback" --state "$work/canary-good.json" --report "$work/canary-good.md"
echo "commit to production: $(( $(date +%s) - committed_at )) s for $good"

step "6. A bad build: the gate fails the first wave and the fleet is rolled back"
sed -i.bak 's/CheckoutFailureRate = 0.0;/CheckoutFailureRate = 0.2;/' "$repo/src/Shop.Service/Release.cs" && rm -f "$repo/src/Shop.Service/Release.cs.bak"
git_ commit --quiet --all -m "Service: fail fast on slow payment providers"
bad="$(git_ rev-parse --short HEAD)"
build_service "$bad"
if pipelines canary run --repo "$repo" --hosts "$hosts" --version "$bad" --previous "$good" "${bake[@]}" \
  --deploy-command "$deploy" --rollback-command "$rollback" --state "$work/canary-bad.json" --report "$work/canary-bad.md"; then
  echo "the bad build was promoted: the gate did not catch it" >&2
  exit 1
fi
for host in "${host_list[@]}"; do
  running="$(curl -fsS "http://$host/health" | json_field version)"
  [ "$running" = "$good" ] || { echo "$host runs $running, not $good" >&2; exit 1; }
done
echo "every host is back on $good; the bad build $bad was stopped at the first wave"

step "7. Push is not release: new-checkout ramped 1 → 5 → 25 → 100% of users, broken-checkout switched off at its first step"
# The same instances, split by cohort: each host's /metrics counts checkouts per flag and cohort (flag on, flag off).
targets="$(printf 'http://%s/metrics,' "${host_list[@]}")"; targets="${targets%,}"
cat > "$work/release-gate.yml" << EOF
gate:
  provider: scrape
  interval: 1s
  min-samples: 10
  canary:
    targets: $targets
    match: 'flag="{flag}",cohort="on"'
  baseline:
    targets: $targets
    match: 'flag="{flag}",cohort="off"'
  metrics:
    - name: checkout-errors
      kind: ratio
      query: checkout_requests_total{code="500"} / checkout_requests_total
      tolerance: 50%
      floor: 1%
      critical: true
EOF
# More users at once, so 1% of them is enough to judge within a short bake.
LOAD_THREADS=2 python3 "$root/samples/fleet/load.py" "${host_list[@]}" &
load2_pid=$!
trap 'kill "$load2_pid" 2> /dev/null || true; stop_fleet' EXIT
release() { pipelines release run --store "$fleet/flags.json" --gate "$work/release-gate.yml" --steps 1,5,25,100 \
  --bake "${PIPELINES_RELEASE_BAKE:-5s}" --max-bake "${PIPELINES_RELEASE_MAX_BAKE:-90s}" "$@"; }
# Both releases at once, on the one flag file: each write is conditional on the flag as read, under a lock.
release --flag broken-checkout --state "$work/release-broken.json" --report "$work/release-broken.md" > "$work/release-broken.log" 2>&1 &
broken_pid=$!
release --flag new-checkout --state "$work/release-good.json" --report "$work/release-good.md" > "$work/release-good.log" 2>&1 &
good_pid=$!
broken_exit=0; wait "$broken_pid" || broken_exit=$?
good_exit=0; wait "$good_pid" || good_exit=$?
printf '\n-- release of broken-checkout (exit %s):\n' "$broken_exit"; grep -v '^  look ' "$work/release-broken.log" || true
printf '\n-- release of new-checkout (exit %s):\n' "$good_exit"; grep -v '^  look ' "$work/release-good.log" || true
percent() { python3 -c "
import json
flags = json.load(open('$fleet/flags.json'))['feature_management']['feature_flags']
f = next(f for f in flags if f['id'] == '$1')
print(f['conditions']['client_filters'][0]['parameters']['Audience']['DefaultRolloutPercentage'])"; }
[ "$good_exit" = 0 ] && [ "$(percent new-checkout)" = 100 ] || { echo "new-checkout did not reach 100% (exit $good_exit)" >&2; exit 1; }
[ "$broken_exit" = 1 ] && [ "$(percent broken-checkout)" = 0 ] || { echo "broken-checkout is not back at 0% (exit $broken_exit)" >&2; exit 1; }
python3 - "$work/release-broken.json" << 'EOF'
import json, sys
from datetime import datetime
timeline = json.load(open(sys.argv[1]))["timeline"]
at = lambda words: next(datetime.fromisoformat(e["time"]) for e in timeline if words in e["what"])
print(f"broken-checkout: from the decided fail to 0% of users in {(at('kill switch: flag broken-checkout at 0%') - at('judged fail')).total_seconds():.2f} s (the gate looks every 1 s)")
EOF
echo "new-checkout is on for 100% of users; broken-checkout is off again"
