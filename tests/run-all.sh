#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run). On a fresh Debian 12 it installs what is
# missing (as root), then runs every configuration of CMakePresets.json:
#   dev, clang, asan, strict20   configure + build + ctest (workflow presets)
#   bench                        configure + build only: the benchmarks compile
#   fuzz (when clang++ exists)   configure + build + ctest (seed replay), then each fuzzer runs for
#                                DOCKIMG_FUZZ_SECONDS (default 60) on a temporary copy of its seeds
# DOCKIMG_QUICK=1 runs the dev workflow only. Build trees are build/<preset>, kept between runs, so
# a second run only rebuilds what changed. Exits non-zero if any stage failed.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
export CTEST_PARALLEL_LEVEL="${CTEST_PARALLEL_LEVEL:-2}"
export CTEST_OUTPUT_ON_FAILURE=1
fuzz_seconds="${DOCKIMG_FUZZ_SECONDS:-60}"
logs=build/run-all
mkdir -p "$logs"

# --- packages ---------------------------------------------------------------------------------
# busybox-static: the root file system the heredoc build test runs RUN instructions in (as root)
packages=(cmake ninja-build g++ clang doctest-dev libbenchmark-dev nlohmann-json3-dev pkg-config
  libclang-rt-14-dev busybox-static libsimdjson-dev rapidjson-dev libssl-dev python3)
if command -v dpkg-query > /dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "run-all: installing ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
      echo "run-all: missing packages and not root: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }; then
      echo "run-all: package installation failed" >&2
      exit 1
    fi
  fi
fi

# --- stages -----------------------------------------------------------------------------------
summary=()
failed=0
tests_passed=0
tests_failed=0
tests_skipped=0

# stage NAME COMMAND...: runs COMMAND with its output shown and kept in build/run-all/NAME.log,
# records PASS/FAIL and the time, and adds the ctest results it printed to the totals. A stage
# that fails without a failed test (a build error, a fuzzer crash) counts as one failed test.
stage() {
  local name=$1 start=$SECONDS status counts
  shift
  echo
  echo "=== run-all: stage $name: $*"
  "$@" 2>&1 | tee "$logs/$name.log"
  status=${PIPESTATUS[0]}
  # ctest closes with "N% tests passed, F tests failed out of T"; skipped tests count as passed
  # there and are listed as "  K - name (Skipped)".
  read -r -a counts < <(awk '
    /^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+/ { failed += $4; total += $9 }
    /^[[:space:]]+[0-9]+ - .* \(Skipped\)$/ { skipped++ }
    END { print total - failed - skipped, failed, skipped }' "$logs/$name.log")
  if ((status != 0 && counts[1] == 0)); then
    counts[1]=1
  fi
  tests_passed=$((tests_passed + counts[0]))
  tests_failed=$((tests_failed + counts[1]))
  tests_skipped=$((tests_skipped + counts[2]))
  if ((status == 0)); then
    summary+=("$(printf 'run-all: %-9s PASS %5ds' "$name" $((SECONDS - start)))")
  else
    summary+=("$(printf 'run-all: %-9s FAIL %5ds  (exit %d, log %s/%s.log)' "$name" \
      $((SECONDS - start)) "$status" "$logs" "$name")")
    failed=1
  fi
  echo "${summary[-1]}"
}

# Runs every fuzzer of build/fuzz for fuzz_seconds on a private copy of its seeds (the corpus in
# ../shared is never written). Crash artifacts are kept in build/fuzz/artifacts.
fuzz_run() {
  local work seeds bin name dir dict status=0
  work=$(mktemp -d) || return 1
  mkdir -p build/fuzz/artifacts
  for seeds in build/fuzz/tests/fuzz/*.seeds; do
    bin=${seeds%.seeds}
    name=${bin##*/}
    mkdir -p "$work/$name"
    while read -r dir; do
      [[ -n $dir ]] && cp -R "$dir" "$work/$name/"
    done < "$seeds"
    chmod -R u+w "$work/$name" # the copies keep the corpus's read-only modes
    dict=()
    [[ -f tests/fuzz/$name.dict ]] && dict=("-dict=tests/fuzz/$name.dict")
    echo "--- $name: ${fuzz_seconds}s on $(find "$work/$name" -type f | wc -l) seed files"
    if ! "$bin" "$work/$name" "${dict[@]}" -max_total_time="$fuzz_seconds" -max_len=70000 -timeout=25 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-"; then
      echo "--- $name: FAILED (artifacts in build/fuzz/artifacts)"
      status=1
    fi
  done
  rm -rf "$work"
  return $status
}

if [[ ${DOCKIMG_QUICK:-0} == 1 ]]; then
  workflows=(dev)
else
  workflows=(dev clang asan strict20)
fi
for preset in "${workflows[@]}"; do
  stage "$preset" cmake --workflow --preset "$preset"
done

if [[ ${DOCKIMG_QUICK:-0} != 1 ]]; then
  stage bench cmake --workflow --preset bench
  if command -v clang++ > /dev/null; then
    stage fuzz cmake --workflow --preset fuzz
    stage fuzz-run fuzz_run
  else
    summary+=("run-all: fuzz      SKIPPED (no clang++)")
  fi
fi

echo
echo "=== run-all: summary"
printf '%s\n' "${summary[@]}"
# The closing line: the ctest results of all stages added up.
echo "total: $tests_passed passed, $tests_failed failed, $tests_skipped skipped"
exit $failed
