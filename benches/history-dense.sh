#!/usr/bin/env bash
# Dense git history benchmark: a generated history shaped like a secret
# scanner's own repository (rule files, detector source, detector tests and
# fixtures full of keywords and fake tokens; see benches/gen_dense_history.py),
# timed like benches/history.sh: leakhound against the
# `git cat-file --batch-all-objects --batch` floor, Kingfisher and gitleaks.
# Targets (issue 13): leakhound >= 2x Kingfisher, <= 2x the floor.
#
# Usage: benches/history-dense.sh [RUNS] [COMMITS] [TARGET_MB]   # defaults 3 2000 160
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_OUT=${BENCH_OUT:-$ROOT/bench-out/history-dense}
export HISTORY_GEN=$ROOT/benches/gen_dense_history.py
export STAGED=0
exec "$ROOT/benches/history.sh" "${1:-3}" "${2:-2000}" "${3:-160}" 0
