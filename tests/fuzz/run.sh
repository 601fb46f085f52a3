#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS on a corpus seeded by fuzz_seed (the
# capture writer's frames and files); exits non-zero when a fuzzer crashes.
#   bash tests/fuzz/run.sh BUILD_DIR SECONDS
# Corpora grow in BUILD_DIR/fuzz-corpus/<target>; crash inputs land in
# BUILD_DIR/fuzz-artifacts/.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
secs=${2:?usage: run.sh BUILD_DIR SECONDS}
bin=$build/tests/fuzz
corpus=$build/fuzz-corpus
art=$build/fuzz-artifacts
mkdir -p "$corpus/fuzz_decode" "$corpus/fuzz_capture" "$art"
"$bin/fuzz_seed" "$corpus/fuzz_decode" "$corpus/fuzz_capture"
status=0
for t in fuzz_decode fuzz_capture; do
  echo "== $t for ${secs}s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$bin/$t" -max_total_time="$secs" -max_len=65540 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$art/$t-" "$corpus/$t" 2>"$build/$t.log"; then
    echo "$t FAILED; last lines of $build/$t.log:"
    tail -40 "$build/$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$t.log" | tail -2
  fi
done
exit $status
