#!/usr/bin/env bash
# Builds the libFuzzer targets (Sources/Fuzz/) with the fuzzer and AddressSanitizer and runs
# each for SECONDS (default 60), starting from a scratch copy of the seed corpus
# (fuzz/corpus/<target>/) plus the crash reproducers (fuzz/regressions/<target>/).
# Fails (non-zero) on any crash, leak, timeout or out-of-memory; prints per target the
# executions and the result. Crash inputs are left in artifacts/fuzz/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [--grow] [--only FuzzIDX,FuzzPNG,...]
#
#   --grow   merge the new coverage back into fuzz/corpus/ (the committed corpus grows only when asked)
#   --only   run only these targets (default: all six)
#
# Reproduce a crash: .build-fuzz/release/<target> CRASH_FILE (or, without sanitizers,
# `swift build -c release --product <target>` then `.build/release/<target> CRASH_FILE`).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=60
GROW=0
TARGETS=(FuzzIDX FuzzSample FuzzPNG FuzzModel FuzzModelStructured FuzzGolden FuzzTeach)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --grow) GROW=1 ;;
    --only) IFS=, read -r -a TARGETS <<< "$2"; shift ;;
    [0-9]*) SECONDS_EACH="$1" ;;
    *) echo "error: unknown argument $1 (usage: scripts/fuzz.sh [SECONDS] [--grow] [--only T1,T2])" >&2; exit 2 ;;
  esac
  shift
done

# Per target: the longest input libFuzzer makes (the shipped model is 66 kB) and its dictionary.
max_len() {
  case "$1" in
    FuzzIDX) echo 4096 ;; FuzzSample) echo 8192 ;; FuzzPNG) echo 4096 ;;
    FuzzModel) echo 70000 ;; FuzzModelStructured) echo 512 ;; FuzzGolden) echo 40000 ;;
    FuzzTeach) echo 8192 ;;
  esac
}
dict() {
  case "$1" in
    FuzzIDX) echo fuzz/dict/idx.dict ;; FuzzSample) echo fuzz/dict/csv.dict ;; FuzzPNG) echo fuzz/dict/png.dict ;;
    FuzzModel) echo fuzz/dict/model.dict ;; FuzzGolden) echo fuzz/dict/golden.dict ;;
    FuzzTeach) echo fuzz/dict/teach.dict ;; *) echo "" ;;
  esac
}

SCRATCH=.build-fuzz
FLAGS=(-c release --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
build_start=$SECONDS
for t in "${TARGETS[@]}"; do
  echo "== build $t (libFuzzer + ASan)"
  mkdir -p artifacts/fuzz
  if ! swift build "${FLAGS[@]}" --product "$t" > artifacts/fuzz/build-"$t".txt 2>&1; then
    grep -v "Cannot export local symbol" artifacts/fuzz/build-"$t".txt | tail -30 >&2
    echo "error: $t did not build (artifacts/fuzz/build-$t.txt)" >&2
    exit 1
  fi
done
echo "fuzz targets built in $((SECONDS - build_start)) s"

# Leaks are findings; a failed huge allocation returns nil (Swift then traps: a finding, not an ASan abort).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
# Swift's own crash backtracer would run under ASan after a finding; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
failed=0
summary=()
for t in "${TARGETS[@]}"; do
  work="artifacts/fuzz/$t"
  rm -rf "$work"; mkdir -p "$work/corpus"
  cp fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  cp fuzz/regressions/"$t"/* "$work/corpus/" 2>/dev/null || true
  args=("$work/corpus" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -timeout=10 -max_len="$(max_len "$t")"
        -artifact_prefix="$work/" -print_final_stats=1 -print_pcs=0)
  d="$(dict "$t")"; [[ -n "$d" ]] && args+=(-dict="$d")
  echo "== fuzz $t for $SECONDS_EACH s"
  status=0
  "$SCRATCH/release/$t" "${args[@]}" > "$work/log.txt" 2>&1 || status=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$' | tail -1)"
  found="$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)"
  corpus="$(ls "$work/corpus" | wc -l)"
  if [[ $status -ne 0 || -n "$found" ]]; then
    failed=1
    result="FAILED (exit $status): ${found:-see $work/log.txt}"
    grep -E "ERROR: |FUZZ FINDING|Fatal error|SUMMARY" "$work/log.txt" | head -5 | sed 's/^/    /'
  else
    result="ok"
  fi
  line="$(printf '%-20s %10s execs  corpus %5s  %s' "$t" "${execs:-?}" "$corpus" "$result")"
  echo "$line"; summary+=("$line")
  if [[ $GROW -eq 1 && $status -eq 0 ]]; then
    "$SCRATCH/release/$t" -merge=1 -max_len="$(max_len "$t")" "fuzz/corpus/$t" "$work/corpus" > "$work/merge.txt" 2>&1
    echo "   merged into fuzz/corpus/$t ($(ls "fuzz/corpus/$t" | wc -l) files)"
  fi
done
echo "== fuzz summary (${SECONDS_EACH} s each; logs and crash inputs in artifacts/fuzz/)"
printf '%s\n' "${summary[@]}"
exit $failed
