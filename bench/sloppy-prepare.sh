#!/usr/bin/env bash
# Lays out the sloppy-spec corpus of bench/sloppy-corpus.tsv from git snapshots of its source
# repositories, for bench/sloppy.sh.
#
#   bench/sloppy-prepare.sh MIRRORS [SRC]
#
# MIRRORS holds one bare git directory per repository, at MIRRORS/<owner>+<name>/repo (the
# layout a `fetch` of github:<owner>/<name> gives). SRC (default target/sloppy/src) receives
# SRC/<owner>+<name>/<commit>/<path>. For a spec that may refer to other files (every source but
# Whereby's single-file spec), the whole top-level folder it sits in is unpacked, so relative
# `$ref`s resolve as in the repository. Nothing from these repositories is committed here.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIRRORS=${1:?usage: bench/sloppy-prepare.sh MIRRORS [SRC]}
SRC=${2:-$ROOT/target/sloppy/src}
LIST=$ROOT/bench/sloppy-corpus.tsv
mkdir -p "$SRC"

tail -n +2 "$LIST" | while IFS=$'\t' read -r repo commit path; do
  key=${repo/\//+}
  git_dir=$MIRRORS/$key/repo
  out=$SRC/$key/$commit
  [ -f "$out/$path" ] && continue
  mkdir -p "$out"
  if [ "$repo" = whereby/docs ]; then
    mkdir -p "$out/$(dirname "$path")"
    git --git-dir="$git_dir" show "$commit:$path" > "$out/$path"
  else
    top=${path%%/*}
    if [ ! -e "$out/.unpacked-$top" ]; then
      git --git-dir="$git_dir" archive "$commit" -- "$top" | tar -x -C "$out"
      touch "$out/.unpacked-$top"
    fi
  fi
done
echo "corpus laid out in $SRC" >&2
