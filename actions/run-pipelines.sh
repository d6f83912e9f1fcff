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

has_native() { [ -x "$root/dist/$rid/pipelines" ] || [ -x "$root/dist/$rid/pipelines.exe" ]; }
has_dotnet() { # <--list-sdks|--list-runtimes> <pattern>: a .NET 10 SDK or runtime on PATH
  # grep reads to the end (no -q): under pipefail an early exit would fail the pipe with dotnet's SIGPIPE.
  command -v dotnet > /dev/null 2>&1 && dotnet "$1" 2> /dev/null | grep "$2" > /dev/null
}

# --setup: the action's first step. It says on GITHUB_OUTPUT whether the next step must install .NET: only when this
# ref has no binary for the runner's platform and the runner cannot run (dist/any) or build (source) one.
if [ "${1:-}" = --setup ]; then
  need=false
  if ! has_native; then
    if [ -f "$root/dist/any/pipelines.dll" ]; then
      has_dotnet --list-runtimes '^Microsoft.NETCore.App 10\.' || need=true
    else
      has_dotnet --list-sdks '^10\.' || need=true
    fi
  fi
  echo "need-dotnet=$need" >> "${GITHUB_OUTPUT:-/dev/stdout}"
  exit 0
fi

for candidate in "$root/dist/$rid/pipelines" "$root/dist/$rid/pipelines.exe"; do
  if [ -x "$candidate" ]; then
    exec "$candidate" "$@"
  fi
done

if [ -f "$root/dist/any/pipelines.dll" ]; then
  exec dotnet "$root/dist/any/pipelines.dll" "$@"
fi

if ! command -v dotnet > /dev/null 2>&1; then
  echo "pipelines: this ref has no prebuilt binary in dist/ and no .NET SDK is on PATH (the action's setup step installs one when it finds none); use a release tag, or actions/setup-dotnet (10.0) before this step." >&2
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
