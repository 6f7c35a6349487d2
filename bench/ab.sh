#!/usr/bin/env bash
# Generation speed of two oagen binaries on one spec, interleaved: the two take turns RUNS
# times (default 9) and the medians of their wall times are compared.
#
#   bench/ab.sh BEFORE_BIN AFTER_BIN SPEC [RUNS]
#
# Prints each side's median in seconds and the ratio AFTER / BEFORE.
set -euo pipefail
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2"); SPEC=$(realpath "$3"); RUNS=${4:-9}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
t() { local s e; s=$(date +%s.%N); "$1" generate "$SPEC" --out "$WORK/out" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
t "$BEFORE" >/dev/null; t "$AFTER" >/dev/null   # warm the page cache
for i in $(seq "$RUNS"); do
  if [ $((i % 2)) = 1 ]; then t "$BEFORE" >>"$WORK/b"; t "$AFTER" >>"$WORK/a"
  else t "$AFTER" >>"$WORK/a"; t "$BEFORE" >>"$WORK/b"; fi
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
b=$(median "$WORK/b"); a=$(median "$WORK/a")
printf 'before %.3f s  after %.3f s  ratio %.3f  (%s runs each, interleaved)\n' "$b" "$a" "$(echo "$a / $b" | bc -l)" "$RUNS"
