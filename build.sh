#!/usr/bin/env bash
# The project's build entry point; `./build.sh help` lists the verbs. `test` is what CI runs (.ci/run calls it).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<'EOF'
usage: ./build.sh <verb> [options]

verbs:
  test [dotnet test options]
          Installs what the tests need when it is missing: a Prometheus server (Debian package 'prometheus',
          with apt-get, through sudo when not root), the pinned npm tools in tools/ (npm ci), the NuGet packages
          (dotnet restore). Then runs every test (dotnet test Pipelines.sln) with TRX results in
          artifacts/test-results, and ends with one line: "N passed, N failed". Exits non-zero on any failure,
          and when the tests leave files in their temp folder (TMPDIR, one of their own for the run).
          Needs dotnet, git, node and npm on PATH.
  help    Prints this.
EOF
}

# Where PrometheusServer (tests/Pipelines.Testing) looks for the binary; PATH alone is not enough.
prometheus_binary() {
  local binary
  for binary in /usr/bin/prometheus /usr/local/bin/prometheus; do
    [ -x "$binary" ] && { echo "$binary"; return 0; }
  done
  return 1
}

# Installs Debian's prometheus package; apt-get update only when the install fails first (an empty or stale index).
install_prometheus() {
  local log="$1" sudo=()
  if ! command -v apt-get > /dev/null 2>&1; then
    echo "build: cannot install prometheus: no apt-get here; put a Prometheus server binary at /usr/bin/prometheus or /usr/local/bin/prometheus" >&2
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo > /dev/null 2>&1; then
      echo "build: cannot install prometheus: not root and no sudo; run as root: apt-get install prometheus" >&2
      return 1
    fi
    sudo=(sudo) # hosted runners are not root
    [ -t 0 ] || sudo=(sudo -n) # no terminal to ask for a password on: fail rather than hang
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
  echo "build: installing prometheus: ${sudo[*]}${sudo:+ }apt-get install --no-install-recommends prometheus (log: $log)"
  if "${apt[@]}" install --no-install-recommends prometheus > "$log" 2>&1; then
    return 0
  fi
  echo "build: apt-get install failed; running apt-get update and trying again"
  if "${apt[@]}" update >> "$log" 2>&1 && "${apt[@]}" install --no-install-recommends prometheus >> "$log" 2>&1; then
    return 0
  fi
  tail -n 5 "$log" | sed 's/^/  apt-get: /' >&2
  echo "build: cannot install prometheus (see $log)" >&2
  return 1
}

# Prints "N passed, N failed" from the TRX counters; a run that failed or wrote no TRX never reads as green.
summarize() {
  local results="$1" status="$2" passed=0 failed=0 not_run=0 trx counters
  shopt -s nullglob
  local trx_files=("$results"/*.trx)
  count() { local n; n="$(printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")"; echo "${n:-0}"; }
  for trx in "${trx_files[@]}"; do
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    passed=$((passed + $(count passed)))
    failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
    # MSTest reports Assert.Inconclusive and [Ignore] as NotExecuted.
    not_run=$((not_run + $(count notExecuted) + $(count inconclusive)))
  done
  if [ "$not_run" -gt 0 ]; then
    echo "build: $not_run tests did not run (skipped or inconclusive):"
    cat "${trx_files[@]}" | grep -o '<UnitTestResult [^>]*outcome="\(NotExecuted\|Inconclusive\)"[^>]*>' \
      | sed -n 's/.* testName="\([^"]*\)".*/  \1/p'
  fi
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  if [ "${#trx_files[@]}" -eq 0 ]; then
    echo "build: no TRX was written to $results" >&2
    failed=$((failed > 0 ? failed : 1))
  fi
  fuzz_summary "${trx_files[@]}"
  echo "$passed passed, $failed failed"
  [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
}

# The fuzz suite's counts (tests/Pipelines.Fuzz.Tests prints one line per campaign), added up; campaigns with a
# problem are listed.
fuzz_summary() {
  [ "$#" -gt 0 ] || return 0
  local lines
  lines="$(grep -ho 'fuzz [a-z0-9-]*: [0-9]* inputs, [0-9]* crashes or hangs, [0-9]* resource-key messages, [0-9]* problems in all, [0-9.]* s' "$@" | sort -u)"
  [ -n "$lines" ] || return 0
  printf '%s\n' "$lines" | awk '
    { campaigns++; inputs += $3; crashes += $5; keys += $9; problems += $12; seconds += $16
      if ($12 > 0) bad = bad "\n  " $0 }
    END { printf "build: fuzz: %d inputs in %d campaigns, %d crashes or hangs, %d resource-key messages, %d problems in all (%.0f s of fuzzing)%s\n", inputs, campaigns, crashes, keys, problems, seconds, bad }'
}

# Fails when the tests left files in their temp folder: a test that forgets its files fills a runner's disk over
# thousands of runs. Not counted: the runtime's and the SDK's own (debugger pipes, diagnostic sockets, MSBuild's node
# files, NuGet's scratch folder, the empty folders dotnet build leaves), and pipelines-samples, the build of
# tests/samples that the test processes share (tests/Pipelines.Testing/SampleProjects.cs).
leftovers() {
  local left
  left="$(find "$1" -mindepth 1 -maxdepth 1 ! -name 'clr-debug-pipe-*' ! -name 'dotnet-diagnostic-*' ! -name 'MSBuild*' \
    ! -name 'NuGetScratch*' ! -name 'pipelines-samples' ! \( -type d -empty \) -printf '%f\n' | sort)"
  [ -n "$left" ] || return 0
  echo "build: the tests left $(printf '%s\n' "$left" | wc -l) entries in their temp folder (each test must remove what it creates):" >&2
  printf '%s\n' "$left" | sed 's/-[0-9a-f]\{12,\}/-…/' | sort | uniq -c | sort -rn | head -n 20 | sed 's/^/  /' >&2
  return 1
}

verb_test() {
  local started=$SECONDS results logs binary
  results="$(pwd)/artifacts/test-results"
  logs="$(pwd)/artifacts/build"
  rm -rf "$results"
  mkdir -p "$results" "$logs"

  local missing=0
  need() { command -v "$1" > /dev/null 2>&1 || { echo "build: '$1' is required but not installed; install it yourself (build.sh does not)" >&2; missing=1; }; }
  need dotnet
  need git
  need node # the Azure DevOps task shim and GitHub's recorded API traffic run on node
  need npm
  [ "$missing" = 0 ] || { echo "0 passed, 1 failed"; return 1; }

  # A missing Prometheus fails only the prometheus provider's tests (saying so), so the rest still run.
  local cannot=()
  echo "== prometheus (a real server for the prometheus provider's tests)"
  if binary="$(prometheus_binary)"; then
    echo "build: prometheus: found $binary"
  elif install_prometheus "$logs/apt-get.log" && binary="$(prometheus_binary)"; then
    echo "build: prometheus: installed $binary"
  else
    cannot+=("prometheus (Debian package 'prometheus'): its tests will fail")
  fi

  echo "== test tools (npm ci --prefix tools: GitHub's recorded API traffic, its OpenAPI description, webhook payloads, linters)"
  # npm writes node_modules/.package-lock.json last, after a complete install of the lock file.
  if [ tools/node_modules/.package-lock.json -nt tools/package-lock.json ] && [ tools/node_modules/.package-lock.json -nt tools/package.json ]; then
    echo "build: tools/node_modules is up to date with tools/package-lock.json"
  elif ! npm ci --prefix tools --no-audit --no-fund --loglevel=error; then
    echo "build: cannot install the npm tools (npm ci --prefix tools)" >&2
    echo "0 passed, 1 failed"
    return 1
  fi

  echo "== restore (dotnet restore Pipelines.sln)"
  if ! dotnet restore Pipelines.sln --nologo --verbosity quiet; then
    echo "build: cannot restore the NuGet packages (dotnet restore Pipelines.sln)" >&2
    echo "0 passed, 1 failed"
    return 1
  fi
  echo "build: set up in $((SECONDS - started)) s"

  echo "== test (dotnet test Pipelines.sln, TRX in artifacts/test-results)"
  local test_started=$SECONDS tmp
  # A temp folder of the tests' own: what they leave behind is named, then removed with it.
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/pipelines-tests.XXXXXX")"
  TMPDIR="$tmp" dotnet test Pipelines.sln --no-restore --nologo --logger trx --results-directory "$results" "$@"
  local status=$?
  echo "build: tests took $((SECONDS - test_started)) s, $((SECONDS - started)) s in all"
  leftovers "$tmp" || status=1
  rm -rf "$tmp"

  local what
  for what in "${cannot[@]}"; do
    echo "build: could not install $what" >&2
  done
  summarize "$results" "$status"
}

case "${1:-}" in
  test)
    shift
    verb_test "$@"
    ;;
  help | -h | --help)
    usage
    ;;
  "")
    usage >&2
    exit 2
    ;;
  *)
    echo "build: unknown verb '$1'" >&2
    usage >&2
    exit 2
    ;;
esac
