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

TREES=(plain unlinked mapped)
declare -A WALL CPU RSS
# Runs are interleaved (plain, unlinked, mapped, plain, ...) so load from other
# processes on a shared machine hits every tree alike; CPU time (user+sys) is
# reported next to wall time because it is far less sensitive to that load.
for _ in $(seq "$RUNS"); do
  for tree in "${TREES[@]}"; do
    cat "$OUT/$tree"/dist/assets/* > /dev/null   # warm the page cache
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" \
      "$BIN" scan --format json -o "$OUT/$tree.json" "$OUT/$tree" || [[ $? == 1 ]]
    read -r e m u s < <(tail -n 1 "$OUT/time.txt")
    WALL[$tree]+="$e "
    CPU[$tree]+="$(awk -v u="$u" -v s="$s" 'BEGIN {print u+s}') "
    RSS[$tree]+="$m "
  done
done

for tree in "${TREES[@]}"; do
  bytes=$(du -sb "$OUT/$tree" | cut -f1)
  findings=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['findings']), sum(len(f['occurrences']) for f in r['findings']))" "$OUT/$tree.json")
  w=$(tr ' ' '\n' <<< "${WALL[$tree]}" | grep . | median)
  c=$(tr ' ' '\n' <<< "${CPU[$tree]}" | grep . | median)
  m=$(tr ' ' '\n' <<< "${RSS[$tree]}" | grep . | median)
  awk -v t="$tree" -v b="$bytes" -v w="$w" -v c="$c" -v m="$m" -v f="$findings" -v all="${WALL[$tree]}" 'BEGIN {
    printf "%-8s %6.1f MB  wall %5.2f s (%6.1f MB/s)  cpu %5.2f s  peak RSS %5.1f MB  findings/occurrences %s  (wall runs: %s)\n",
      t, b/1e6, w, b/1e6/w, c, m/1024, f, all }'
  echo "$w $c" > "$OUT/$tree.secs"
done
read -r pw pc < "$OUT/plain.secs"
read -r uw uc < "$OUT/unlinked.secs"
read -r mw mc < "$OUT/mapped.secs"
awk -v pw="$pw" -v pc="$pc" -v uw="$uw" -v uc="$uc" -v mw="$mw" -v mc="$mc" 'BEGIN {
  printf "mapped vs plain    (target: at most +25%%): wall %+.1f%%, cpu %+.1f%%\n", (mw/pw-1)*100, (mc/pc-1)*100
  printf "mapped vs unlinked (resolution alone):     wall %+.1f%%, cpu %+.1f%%\n", (mw/uw-1)*100, (mc/uc-1)*100 }'
