#!/usr/bin/env bash
# Throughput of `leakhound scan` on a build folder with source maps, against the
# same bytes with the maps' links removed (plain folder scan).
#
#   benches/artifacts.sh [TOTAL_MB] [RUNS]      (defaults: 200 MB, 3 runs)
#   PLANT_EVERY=1 benches/artifacts.sh          (a secret in every bundle: worst case)
#
# Generates its corpus under bench-out/artifacts (git-ignored), builds the release
# binary, and prints MB/s and peak RSS for each tree (median of RUNS runs).
# Target: source-map resolution costs at most 25% over the plain scan.
# Trees (see benches/artifacts_corpus.py): plain = every file as text; unlinked =
# maps expanded but no bundle resolved; mapped = the real build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL_MB=${1:-200}
RUNS=${2:-3}
OUT=bench-out/artifacts
export PLANT_EVERY=${PLANT_EVERY:-8}
BIN=target/release/leakhound

cargo build --release --quiet
if [[ ! -f "$OUT/.done-v2-$TOTAL_MB-$PLANT_EVERY" ]]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  python3 benches/artifacts_corpus.py "$OUT" "$TOTAL_MB"
  touch "$OUT/.done-v2-$TOTAL_MB-$PLANT_EVERY"
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_tree() {
  local tree=$1 bytes secs=() rss=() findings
  bytes=$(du -sb "$OUT/$tree" | cut -f1)
  for _ in $(seq "$RUNS"); do
    # Warm the page cache so both trees are measured from memory.
    cat "$OUT/$tree"/dist/assets/* > /dev/null
    /usr/bin/time -f '%e %M' -o "$OUT/time.txt" \
      "$BIN" scan --format json -o "$OUT/$tree.json" "$OUT/$tree" || [[ $? == 1 ]]
    read -r s m < <(tail -n 1 "$OUT/time.txt")
    secs+=("$s"); rss+=("$m")
  done
  findings=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['findings']), sum(len(f['occurrences']) for f in r['findings']))" "$OUT/$tree.json")
  local s m
  s=$(printf '%s\n' "${secs[@]}" | median)
  m=$(printf '%s\n' "${rss[@]}" | median)
  awk -v t="$tree" -v b="$bytes" -v s="$s" -v m="$m" -v f="$findings" -v all="${secs[*]}" 'BEGIN {
    printf "%-7s %7.1f MB  median %6.2f s  %7.1f MB/s  peak RSS %6.1f MB  findings/occurrences %s  (runs: %s)\n",
      t, b/1e6, s, b/1e6/s, m/1024, f, all }'
  echo "$s" > "$OUT/$tree.secs"
}

run_tree plain
run_tree unlinked
run_tree mapped
awk -v p="$(cat $OUT/plain.secs)" -v u="$(cat $OUT/unlinked.secs)" -v m="$(cat $OUT/mapped.secs)" 'BEGIN {
  printf "mapped vs plain (target: at most +25%%): %+.1f%%\n", (m/p-1)*100
  printf "mapped vs unlinked (resolution alone):  %+.1f%%\n", (m/u-1)*100 }'
