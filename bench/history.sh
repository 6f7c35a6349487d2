#!/usr/bin/env bash
# Real spec histories through `oagen diff`, every pair as published (no hand edits):
#   - GitHub's REST spec: every version of the npm package @octokit/openapi, consecutive pairs
#     (generated/api.github.com.json), plus the two newest GHES pairs of the newest version;
#   - Whereby's official spec: every commit of whereby/docs that touched
#     .gitbook/assets/_api-reference-docs-openapi.json, consecutive pairs (WHEREBY_GIT);
#   - OpenAI's spec: the last HISTORY_OPENAI (default 21) commits of openai/openai-openapi that
#     touched openapi.yaml, consecutive pairs (OPENAI_GIT).
# For each pair: whether oagen read both sides (exit code 0 or 1, not 2), the verdict (breaking /
# needs-review / compatible), the crate bump, the wall time and the peak memory.
#
#   WHEREBY_GIT=/path/to/whereby+docs/repo OPENAI_GIT=/path/to/openai+openai-openapi/repo \
#     bench/history.sh                    # writes target/history/results.tsv and prints a table
#
# The two git directories are bare clones (e.g. from the search tool's `fetch`); a history
# whose directory is not given is skipped. The npm packages are fetched with `npm pack`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${HISTORY_WORK:-$ROOT/target/history}
OAGEN=$ROOT/target/release/oagen
N_OPENAI=${HISTORY_OPENAI:-21}
mkdir -p "$WORK/npm" "$WORK/specs"
(cd "$ROOT" && cargo build --release -q -p oagen)

pairs=$WORK/pairs.tsv
: > "$pairs"

# GitHub, from npm.
versions=$(npm view @octokit/openapi versions --json | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
prev=""
for v in $versions; do
  tgz=$WORK/npm/octokit-openapi-$v.tgz
  [ -f "$tgz" ] || (cd "$WORK/npm" && npm pack -q "@octokit/openapi@$v" > /dev/null)
  out=$WORK/specs/github-$v.json
  [ -f "$out" ] || tar -xzOf "$tgz" package/generated/api.github.com.json > "$out"
  [ -n "$prev" ] && printf 'github\t%s\t%s\t%s\n' "$prev -> $v" "$WORK/specs/github-$prev.json" "$out" >> "$pairs"
  prev=$v
done
newest=$WORK/npm/octokit-openapi-$prev.tgz
ghes=$(tar -tzf "$newest" | sed -n 's#^package/generated/\(ghes-3\.[0-9]*\)\.json$#\1#p' | sort -t. -k2 -n | tail -3)
prev=""
for g in $ghes; do
  out=$WORK/specs/$g.json
  [ -f "$out" ] || tar -xzOf "$newest" "package/generated/$g.json" > "$out"
  [ -n "$prev" ] && printf 'ghes\t%s\t%s\t%s\n' "$prev -> $g" "$WORK/specs/$prev.json" "$out" >> "$pairs"
  prev=$g
done

# A file's history in a git directory: consecutive pairs of the commits that touched it.
git_history() { # name git_dir path limit
  local name=$1 git=$2 path=$3 limit=$4 prev="" ext=${3##*.}
  for c in $(git --git-dir="$git" log --format=%h -n "$limit" -- "$path" | tac); do
    local out=$WORK/specs/$name-$c.$ext
    [ -f "$out" ] || git --git-dir="$git" show "$c:$path" > "$out" 2>/dev/null || { rm -f "$out"; continue; }
    [ -n "$prev" ] && printf '%s\t%s\t%s\t%s\n' "$name" "$prev -> $c" "$WORK/specs/$name-$prev.$ext" "$out" >> "$pairs"
    prev=$c
  done
}
[ -n "${WHEREBY_GIT:-}" ] && git_history whereby "$WHEREBY_GIT" .gitbook/assets/_api-reference-docs-openapi.json 1000
[ -n "${OPENAI_GIT:-}" ] && git_history openai "$OPENAI_GIT" openapi.yaml "$N_OPENAI"

results=$WORK/results.tsv
printf 'history\tpair\texit\tverdict\tbump\tseconds\tmax_rss_mib\tfindings\n' > "$results"
while IFS=$'\t' read -r name pair old new; do
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$OAGEN" diff "$old" "$new" --format json \
    > "$WORK/diff.json" 2> "$WORK/diff.err"
  rc=$?
  # (GNU time writes "Command exited with non-zero status N" first when the diff fails.)
  read -r secs rss < <(tail -n 1 "$WORK/time.txt")
  summary=$(python3 - "$WORK/diff.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("-\t-\t-"); sys.exit()
s = r["summary"]
verdict = "breaking" if s["breaking"] else "needs-review" if s["needs_review"] else "compatible"
n = s["breaking"] + s["needs_review"] + s["compatible"]
print(f"{verdict}\t{s['semver']}\t{n}")
PY
)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$pair" "$rc" "$summary" "$secs" "$((rss / 1024))" |
    awk -F'\t' -v OFS='\t' '{print $1,$2,$3,$4,$5,$7,$8,$6}' >> "$results"
done < "$pairs"

# The crate bump of each pair, against what changes in the generated public items (both
# sides generated and parsed; see generator/tests/diff_crate_effects.rs).
(cd "$ROOT" && OAGEN_HISTORY_PAIRS=$pairs OAGEN_HISTORY_OUT=$WORK/bumps.tsv \
  cargo test -q --release -p oagen --test diff_crate_effects -- --ignored > "$WORK/bumps.log" 2>&1)

python3 - "$results" "$WORK/bumps.tsv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = collections.OrderedDict()
for r in rows:
    by.setdefault(r["history"], []).append(r)
bumps = collections.defaultdict(collections.Counter)
try:
    for b in csv.DictReader(open(sys.argv[2]), delimiter="\t"):
        bumps[b["history"]][b["agreement"]] += 1
except FileNotFoundError:
    pass
print("| history | pairs | read | breaking | needs-review | compatible | bump confirmed | median s | max s | max RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for h, rs in by.items():
    read = [r for r in rs if r["exit"] in ("0", "1")]
    v = collections.Counter(r["verdict"] for r in read)
    secs = sorted(float(r["seconds"]) for r in rs)
    med = secs[len(secs) // 2] if secs else 0
    b = bumps[h]
    confirmed = f"{b['agree']}/{b['agree'] + b['disagree']}" if b else "-"
    print(f"| {h} | {len(rs)} | {len(read)} | {v['breaking']} | {v['needs-review']} | {v['compatible']} | {confirmed} | {med:.2f} | {max(secs or [0]):.2f} | {max(int(r['max_rss_mib']) for r in rs)} |")
PY
