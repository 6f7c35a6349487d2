#!/usr/bin/env bash
# GitHub's crate compiled by the tag (issue 15, section 3): `cargo check` time of the crate
# with one tag enabled, with every tag (`full`, the default) and of the baseline crate (no
# tag features, from an older oagen), then clippy on a sample of single-tag builds.
#
#   bench/tags.sh [RUNS]            default 5 runs per side
#
# Environment:
#   BASE_OAGEN  the baseline generator binary; else BASE_REV (default `main`) is built into
#               $WORK/base-target from `git archive`
#   GITHUB_SPEC GitHub's spec; else `@octokit/openapi` ($OCTOKIT_VERSION, default 23.0.2) is
#               installed into $WORK/npm
#   TAG         the mid-sized tag timed alone (default `issues`)
#   CHECK_TAGS  the tags checked alone with clippy (default: twelve of all sizes; `all` for
#               every tag); CHECK_TAGS= skips the clippy part
#   ALL         1: also time both crates with everything on (the baseline's `all-types`, the
#               new crate's `--all-features`: every tag and `all-types`)
#   WORK        scratch folder (default target/bench-tags)
#
# Each timed run touches the crate's `src/lib.rs` and runs `cargo check -p <crate>` with
# CARGO_INCREMENTAL=0, so only the generated crate is compiled, from scratch, with the
# dependencies warm. The sides take turns, the order rotating each run; the table gives each
# side's median wall and user+sys (rustc's CPU) time, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-5}
WORK=${WORK:-$ROOT/target/bench-tags}
TAG=${TAG:-issues}
CHECK_TAGS=${CHECK_TAGS-issues repos pulls actions users gists git search teams orgs checks reactions emojis rate-limit}
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
export CARGO_TERM_COLOR=never

# 1. The spec.
SPEC=${GITHUB_SPEC:-$WORK/npm/node_modules/@octokit/openapi/generated/api.github.com.json}
if [ ! -f "$SPEC" ]; then
  echo "installing @octokit/openapi@${OCTOKIT_VERSION:-23.0.2} into $WORK/npm" >&2
  mkdir -p "$WORK/npm"
  (cd "$WORK/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund "@octokit/openapi@${OCTOKIT_VERSION:-23.0.2}" >&2)
fi

# 2. The generators: this tree's, and the baseline.
cargo build --release -p oagen --features cli -q -j2
NEW=$ROOT/target/release/oagen
if [ -n "${BASE_OAGEN:-}" ]; then
  BASE=$(realpath "$BASE_OAGEN")
else
  rev=${BASE_REV:-main}
  rm -rf "$WORK/base-src" && mkdir -p "$WORK/base-src"
  git archive "$rev" | tar -x -C "$WORK/base-src"
  (cd "$WORK/base-src" && CARGO_TARGET_DIR="$WORK/base-target" cargo build --release -p oagen --features cli -q -j2)
  BASE=$WORK/base-target/release/oagen
fi

# 3. The two crates, in a workspace of their own (one target dir, one lock file).
RUNTIME=$ROOT/generator/runtime
WS=$WORK/ws
mkdir -p "$WS"
printf '[workspace]\nresolver = "2"\nmembers = ["base", "tags"]\n' >"$WS/Cargo.toml"
"$BASE" generate "$SPEC" --out "$WS/base" --crate-name github_base --runtime-path "$RUNTIME" >/dev/null
"$NEW" generate "$SPEC" --out "$WS/tags" --crate-name github_tags --runtime-path "$RUNTIME" >/dev/null
cd "$WS"
export CARGO_INCREMENTAL=0
echo "warming the dependencies" >&2
cargo check -q -j2 -p github_base
cargo check -q -j2 -p github_tags
cargo check -q -j2 -p github_tags --no-default-features --features "$TAG"

# 4. Timed runs.
sides=("base|github_base|" "full|github_tags|" "$TAG|github_tags|--no-default-features --features $TAG" "none|github_tags|--no-default-features")
labels=(base full "$TAG" none)
if [ "${ALL:-0}" = 1 ]; then
  sides+=("base-all|github_base|--features all-types" "all|github_tags|--all-features")
  labels+=(base-all all)
  cargo check -q -j2 -p github_base --features all-types
  cargo check -q -j2 -p github_tags --all-features
fi
rm -f "$WORK"/times-*
TIMEFORMAT='%R %U %S'
for run in $(seq "$RUNS"); do
  n=${#sides[@]}
  for k in $(seq 0 $((n - 1))); do
    side=${sides[$(((k + run) % n))]}
    IFS='|' read -r label pkg flags <<<"$side"
    dir=${pkg#github_}
    touch "$dir/src/lib.rs"
    # shellcheck disable=SC2086
    t=$({ time cargo check -q -j2 -p "$pkg" $flags >/dev/null 2>&1; } 2>&1)
    read -r real user sys <<<"$t"
    echo "$real $(echo "$user + $sys" | bc)" >>"$WORK/times-$label"
    echo "run $run: $label ${real}s" >&2
  done
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
wall() { cut -d' ' -f1 "$WORK/times-$1" | median; }
cpu() { cut -d' ' -f2 "$WORK/times-$1" | median; }
fw=$(wall full); fc=$(cpu full)
echo
echo "GitHub's spec (@octokit/openapi $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$(dirname "$SPEC")/../package.json" 2>/dev/null | sed -n 1p)), cargo check of the generated crate only, $RUNS runs per side, medians; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | wall s | CPU s | wall / full | CPU / full | wall / baseline | CPU / baseline |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for label in "${labels[@]}"; do
  w=$(wall "$label"); c=$(cpu "$label")
  # The baseline with the same features: its default, or its `all-types` for everything.
  ref=base
  case $label in base-all | all) ref=base-all ;; esac
  rw=$(wall $ref); rc=$(cpu $ref)
  name=$label
  case $label in
    base) name="baseline crate (\`$(basename "$BASE")\`), default features" ;;
    full) name="tag features, default (\`full\`)" ;;
    none) name="tag features, \`--no-default-features\`" ;;
    base-all) name="baseline crate, \`--features all-types\`" ;;
    all) name="tag features, \`--all-features\`" ;;
    *) name="tag features, only \`$label\`" ;;
  esac
  printf '| %s | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f |\n' "$name" "$w" "$c" \
    "$(echo "$w / $fw" | bc -l)" "$(echo "$c / $fc" | bc -l)" "$(echo "$w / $rw" | bc -l)" "$(echo "$c / $rc" | bc -l)"
done

# 5. Single tags with clippy (warnings are errors), and no tag at all.
if [ "$CHECK_TAGS" = all ]; then
  CHECK_TAGS=$(cargo metadata --quiet --no-deps --format-version 1 | python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "github_tags")
print(" ".join(sorted(f for f in p["features"] if f not in ("default", "full", "all-types"))))')
fi
if [ -n "$CHECK_TAGS" ]; then
  echo
  start=$SECONDS
  count=0
  for t in "" $CHECK_TAGS; do
    if [ -z "$t" ]; then flags=(--no-default-features); else flags=(--no-default-features --features "$t"); fi
    printf 'clippy github_tags %s\n' "${flags[*]}" >&2
    cargo clippy -q -j2 -p github_tags --all-targets "${flags[@]}" -- -D warnings
    count=$((count + 1))
  done
  echo "clippy --all-targets -D warnings passed for $count builds of GitHub's crate (no feature, then each of: $CHECK_TAGS) in $((SECONDS - start)) s"
fi
