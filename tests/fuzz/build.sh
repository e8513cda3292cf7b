#!/bin/bash -eu
# Builds every tests/fuzz/fuzz_*.cpp the OSS-Fuzz way: compiler and flags from $CXX and $CXXFLAGS
# (which carry the sanitizer and -fsanitize=fuzzer-no-link), the engine from $LIB_FUZZING_ENGINE,
# binaries into $OUT, with <name>.dict / <name>.options beside them and
# <name>_seed_corpus.zip made from the seed directories that exist (needs zip).
#
# Locally, without Docker:
#   CXX=clang++ CXXFLAGS='-fsanitize=fuzzer-no-link,address,undefined -O1 -g' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/fuzz-out bash tests/fuzz/build.sh
src=$(cd "$(dirname "$0")/../.." && pwd)
: "${OUT:?set OUT to the output directory}"
: "${CXX:=clang++}"
: "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
build="${WORK:-${TMPDIR:-/tmp}}/dockimg-fuzz-build"

generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$src" -B "$build" "${generator[@]}" \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_BUILD_TYPE= \
  -DDOCKIMG_BUILD_FUZZERS=ON -DDOCKIMG_FUZZ_FLAGS= -DDOCKIMG_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DDOCKIMG_BUILD_TESTS=OFF -DDOCKIMG_BUILD_EXAMPLES=OFF -DDOCKIMG_INSTALL=OFF
cmake --build "$build" --target dockimg_fuzzers

mkdir -p "$OUT"
for harness in "$src"/tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$harness" .cpp)
  cp "$build/tests/fuzz/$name" "$OUT/"
  for extra in dict options; do
    if [ -f "$src/tests/fuzz/$name.$extra" ]; then cp "$src/tests/fuzz/$name.$extra" "$OUT/"; fi
  done
  if command -v zip > /dev/null; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    while read -r dir; do # each seed directory becomes a top-level folder of the zip
      if [ -n "$dir" ]; then
        (cd "$dir/.." && zip -q -r "$OUT/${name}_seed_corpus.zip" "${dir##*/}")
      fi
    done < "$build/tests/fuzz/$name.seeds"
  fi
  echo "built $OUT/$name"
done
