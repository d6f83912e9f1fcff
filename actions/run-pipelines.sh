#!/usr/bin/env bash
# Runs the `pipelines` CLI for a composite action: the prebuilt binary from dist/ when this ref has one (release
# tags), else a build from source made once per job and reused by every later step.
# Inputs arrive as INPUT_* environment variables (see the action's env:), never as shell-expanded text.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  MINGW* | MSYS* | CYGWIN*) rid=win-x64 ;;
  *) rid=unknown ;;
esac

for candidate in "$root/dist/$rid/pipelines" "$root/dist/$rid/pipelines.exe"; do
  if [ -x "$candidate" ]; then
    exec "$candidate" "$@"
  fi
done

if [ -f "$root/dist/any/pipelines.dll" ]; then
  exec dotnet "$root/dist/any/pipelines.dll" "$@"
fi

if ! command -v dotnet > /dev/null 2>&1; then
  echo "pipelines: this ref has no prebuilt binary in dist/ and no .NET SDK is installed; add actions/setup-dotnet (10.0) before this step, or use a release tag." >&2
  exit 3
fi

# One build per job and action ref: the path of the ref's checkout tells refs apart.
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pipelines-cli-$key"
if [ ! -f "$out/pipelines.dll" ]; then
  echo "::group::Building pipelines from source (no dist/ in this ref)" >&2
  dotnet publish "$root/src/Pipelines.Cli/Pipelines.Cli.csproj" --configuration Release --output "$out.tmp" --nologo --verbosity quiet >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "::endgroup::" >&2
fi
exec dotnet "$out/pipelines.dll" "$@"
