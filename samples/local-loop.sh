#!/usr/bin/env bash
# The main job on the embedded default: a throwaway git repository made from samples/shop, one commit to its
# billing code, `pipelines select-tests` on that commit, then `dotnet test` of exactly what it selected.
# Later stages of the loop (plan, run, revert, canary) join here as they land.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${PIPELINES_WORK:-$root/.pipelines-work}"
cli="$work/cli"
repo="$work/shop"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Build the pipelines CLI"
dotnet build "$root/src/Pipelines.Cli/Pipelines.Cli.csproj" --configuration Release --output "$cli" --nologo --verbosity quiet
pipelines() { dotnet "$cli/pipelines.dll" "$@"; }

step "A fresh git repository from samples/shop, with one commit to the billing code"
rm -rf "$repo"
mkdir -p "$repo"
cp -R "$root/samples/shop/." "$repo/"
rm -rf "$repo"/src/*/bin "$repo"/src/*/obj "$repo"/tests/*/bin "$repo"/tests/*/obj
git_() { git -C "$repo" -c user.name=Pipelines -c user.email=pipelines@localhost -c init.defaultBranch=main "$@"; }
git_ init --quiet
git_ add --all
git_ commit --quiet -m "Shop: initial"
printf '\n// Rounded half to even, as the tax office asks.\n' >> "$repo/src/Shop.Billing/Invoice.cs"
git_ commit --quiet --all -m "Billing: touch the invoice total"
git_ log --oneline

step "pipelines select-tests (HEAD~1..HEAD)"
# With --json the readable report goes to stderr (the terminal) and the JSON document to stdout.
json="$(pipelines select-tests --repo "$repo" --base HEAD~1 --json)"
field() { printf '%s' "$json" | python3 -c "import json,sys; v=json.load(sys.stdin)['$1']; print(','.join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v)"; }
filter="$(field filter)"
projects="$(field projects)"
run_all="$(field runAll)"

# The selection is: the affected test projects in full, plus the tagged tests wherever they are.
step "dotnet test what was selected"
if [ "$run_all" = "true" ]; then
  echo "run-all: every test"
  dotnet test "$repo/Shop.slnx" --nologo --verbosity quiet
  exit
fi
if [ -z "$filter$projects" ]; then
  echo "nothing to test"
  exit
fi
IFS=',' read -r -a project_list <<< "$projects"
for project in "${project_list[@]}"; do
  echo "project (in full): $project"
  dotnet test "$repo/$project" --nologo --verbosity quiet
done
if [ -n "$filter" ]; then
  echo "filter (whole solution): $filter"
  dotnet test "$repo/Shop.slnx" --nologo --verbosity quiet --filter "$filter"
fi
