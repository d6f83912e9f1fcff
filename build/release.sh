#!/usr/bin/env bash
# Builds what a release ships, laid out the way the actions and tasks look for it:
#   dist/<rid>/pipelines[.exe]   self-contained single file, trimmed, ReadyToRun (no .NET needed on the runner)
#   dist/any/pipelines.dll       framework-dependent (any OS with the .NET 10 runtime)
#   dist/SHA256SUMS              checksums of everything above
#   dist/pipelines-<version>.vsix  the Azure DevOps extension (with --vsix): every task carries the shim (tasks/index.js) and bin/any
# Usage: build/release.sh [--version 1.2.3] [--rids "linux-x64 win-x64 ..."] [--out dist] [--vsix] [--project path/to.csproj]
# linux-x64 and win-x64 are required; other runtime identifiers are built when the SDK's packs restore.
# --project publishes another program the same way (the bench's trial variants, so they are weighed as the CLI ships).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version=""
rids="linux-x64 win-x64 linux-arm64 osx-arm64"
out="$root/dist"
vsix=false
project="src/Pipelines.Cli/Pipelines.Cli.csproj"
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:-}"; shift 2 ;;
    --rids) rids="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --vsix) vsix=true; shift ;;
    --project) project="${2:-}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "release: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done

# The version: --version, else the release tag this build runs for (v1.2.3), else 0.0.0-dev.
if [ -z "$version" ]; then
  tag="${GITHUB_REF_NAME:-${BUILD_SOURCEBRANCHNAME:-}}"
  case "$tag" in v[0-9]*) version="${tag#v}" ;; *) version="0.0.0-dev" ;; esac
fi
if ! printf '%s' "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'; then
  echo "release: --version must be MAJOR.MINOR.PATCH with an optional -suffix (got '$version')" >&2
  exit 2
fi
case "$out" in /*) ;; *) out="$root/$out" ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"

# Each build gets its own intermediate folders: switching publish properties over shared obj/ folders has produced
# binaries that abort at start.
publish() { # <name> <extra args...>
  local name="$1"; shift
  dotnet publish "$project" --configuration Release --nologo --verbosity quiet \
    -p:Version="$version" -p:DebugType=none -p:GenerateDocumentationFile=false \
    --artifacts-path "$work/artifacts/$name" \
    --output "$out/$name" "$@"
}

for rid in $rids; do
  echo "== $rid (self-contained single file)"
  if ! publish "$rid" --runtime "$rid" --self-contained true -p:PublishSingleFile=true -p:PublishTrimmed=true \
      -p:PublishReadyToRun=true > "$work/$rid.log" 2>&1; then
    case "$rid" in
      linux-x64 | win-x64) cat "$work/$rid.log" >&2; echo "release: $rid is required and did not build" >&2; exit 1 ;;
      *) echo "release: skipping $rid (its runtime packs did not restore here)" >&2; rm -rf "${out:?}/$rid"; continue ;;
    esac
  fi
done

echo "== any (framework-dependent)"
publish any -p:UseAppHost=false > "$work/any.log" 2>&1 || { cat "$work/any.log" >&2; exit 1; }

printf '%s\n' "$version" > "$out/VERSION"
(cd "$out" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

if [ "$vsix" = true ]; then
  echo "== vsix"
  stage="$work/vsix"
  mkdir -p "$stage"
  cp vss-extension.json "$stage/"
  cp -r tasks "$stage/tasks"
  rm "$stage/tasks/index.js"
  IFS=. read -r major minor patch <<< "${version%%-*}"
  for task in "$stage"/tasks/*/; do
    cp tasks/index.js "$task/index.js" # the one shim, the same in every task
    mkdir -p "$task/bin"
    cp -r "$out/any" "$task/bin/any"
    node -e '
      const fs = require("fs"); const [file, major, minor, patch] = process.argv.slice(1);
      const task = JSON.parse(fs.readFileSync(file, "utf8"));
      task.version = { Major: +major, Minor: +minor, Patch: +patch };
      fs.writeFileSync(file, JSON.stringify(task, null, 2) + "\n");' "$task/task.json" "$major" "$minor" "$patch"
  done
  tfx="$root/tools/node_modules/.bin/tfx"
  [ -x "$tfx" ] || npm ci --prefix "$root/tools" --no-audit --no-fund --loglevel=error
  "$tfx" extension create --root "$stage" --manifest-globs vss-extension.json --override "{\"version\": \"${version%%-*}\"}" \
    --output-path "$out/pipelines-$version.vsix" --no-prompt --no-color > "$work/tfx.log" 2>&1 \
    || { cat "$work/tfx.log" >&2; echo "release: tfx extension create failed" >&2; exit 1; }
fi

echo "release $version in $out:"
(cd "$out" && du -sh -- * | sed 's/^/  /')
