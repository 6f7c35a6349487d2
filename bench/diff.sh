#!/usr/bin/env bash
# Benchmark of `oagen diff` on a large real spec: GitHub's REST API description from the npm
# package @octokit/openapi (about 13 MB of JSON, 800+ paths, 900+ schemas), compared with an
# edited copy of itself. The edits touch a schema shared by hundreds of operations, a request
# body, and add and remove operations, so the run exercises loading, IR building, the parallel
# type walk and the attribution of shared-type changes to operations.
#
#   bench/diff.sh
#
# Times are the median of $RUNS runs (default 5) of the release binary. They are reported as
# a ratio against `oagen lint` of the same spec (one load and one IR build), measured in the
# same run on the same machine, so the figure does not depend on the machine's speed. Peak
# memory (with GNU time) is reported the same way.
# Environment: BENCH_DIR (scratch dir, default target/bench-diff), RUNS,
# OCTOKIT_OPENAPI_VERSION (npm version, default the one recorded in bench/README.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-$ROOT/target/bench-diff}
RUNS=${RUNS:-5}
VERSION=${OCTOKIT_OPENAPI_VERSION:-23.0.2}
mkdir -p "$WORK"

pkg=$WORK/node_modules/@octokit/openapi
if [ ! -f "$pkg/package.json" ] || [ "$(node -p "require('$pkg/package.json').version")" != "$VERSION" ]; then
  (cd "$WORK" && npm install --no-audit --no-fund --silent "@octokit/openapi@$VERSION") >&2
fi
SPEC=$pkg/generated/api.github.com.json
EDITED=$WORK/api.github.com.edited.json

# The edited copy: one change of each kind a reviewer would look for.
node - "$SPEC" "$EDITED" <<'JS'
const fs = require("fs");
const [src, dst] = process.argv.slice(2);
const s = JSON.parse(fs.readFileSync(src, "utf8"));
const must = (x, what) => { if (!x) { console.error(`bench/diff.sh: ${what} is not in this version of the spec`); process.exit(2); } return x; };
// 1. A response property removed from `simple-user`, which most operations return.
const user = must(s.components.schemas["simple-user"], "simple-user");
delete must(user.properties, "simple-user properties").gravatar_id;
user.required = user.required.filter((p) => p !== "gravatar_id");
// 2. An optional request property made required (the body of an issue).
const issue = must(s.paths["/repos/{owner}/{repo}/issues"]?.post, "POST /repos/{owner}/{repo}/issues");
issue.requestBody.content["application/json"].schema.required.push("body");
// 3. An operation removed.
must(s.paths["/repos/{owner}/{repo}"]?.delete, "DELETE /repos/{owner}/{repo}");
delete s.paths["/repos/{owner}/{repo}"].delete;
// 4. An operation added (a copy of GET /meta under a new path and id).
const meta = JSON.parse(JSON.stringify(must(s.paths["/meta"]?.get, "GET /meta")));
meta.operationId = "meta/get-v2";
s.paths["/meta/v2"] = { get: meta };
fs.writeFileSync(dst, JSON.stringify(s, null, 2));
JS

(cd "$ROOT" && cargo build --release -p oagen --features cli -q) >&2
BIN=$ROOT/target/release/oagen

# The four commands run in turn, $RUNS rounds, so that a change in the machine's load affects
# all of them alike; each figure is the median of its runs.
names=(lint same edited json)
cmd_lint=("$BIN" lint "$SPEC")
cmd_same=("$BIN" diff "$SPEC" "$SPEC")
cmd_edited=("$BIN" diff "$SPEC" "$EDITED")
cmd_json=("$BIN" diff "$SPEC" "$EDITED" --format json)
declare -A times
for ((i = 0; i < RUNS; i++)); do
  for n in "${names[@]}"; do
    declare -n cmd="cmd_$n"
    start=$EPOCHREALTIME
    "${cmd[@]}" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    times[$n]+="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') "
    unset -n cmd
  done
done
median() { printf '%s\n' ${times[$1]} | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
lint=$(median lint)
same=$(median same)
edited=$(median edited)
json=$(median json)

# The edited copy must report what was edited; a benchmark of a broken diff means nothing.
set +e
"$BIN" diff "$SPEC" "$EDITED" --format json --fail-on breaking > "$WORK/diff.json"
code=$?
set -e
summary=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const rules = new Set(r.reports[0].changes.map((c) => c.rule));
for (const want of ["response-property-removed", "request-property-became-required", "operation-removed", "operation-added"]) {
  if (!rules.has(want)) { console.error("bench/diff.sh: expected rule " + want + " did not fire"); process.exit(2); }
}
const removed = r.reports[0].changes.find((c) => c.rule === "response-property-removed");
const s = r.summary;
console.log(`${s.breaking} breaking, ${s.needs_review} needs review, ${s.compatible} compatible; semver ${s.semver}; the removed simple-user property affects ${removed.operations.length} operations`);
' "$WORK/diff.json")
[ "$code" = 1 ] || { echo "bench/diff.sh: expected exit 1 with --fail-on breaking, got $code" >&2; exit 2; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Peak memory (max RSS), once each, when GNU time is installed.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
if [ -x /usr/bin/time ]; then
  rss_lint=$(rss "$BIN" lint "$SPEC")
  rss_diff=$(rss "$BIN" diff "$SPEC" "$EDITED")
fi
echo "oagen diff on GitHub's REST API spec (@octokit/openapi $VERSION), median of $RUNS runs, release build"
echo "changes found: $summary"
echo
echo "| Command | Time (s) | Ratio to lint |"
echo "|---|---:|---:|"
echo "| \`oagen lint SPEC\` (baseline: one load + IR) | $lint | 1.00 |"
echo "| \`oagen diff SPEC SPEC\` (no change) | $same | $(ratio "$same" "$lint") |"
echo "| \`oagen diff SPEC EDITED\` (text) | $edited | $(ratio "$edited" "$lint") |"
echo "| \`oagen diff SPEC EDITED --format json\` | $json | $(ratio "$json" "$lint") |"
if [ -n "${rss_lint:-}" ]; then
  echo
  echo "Peak memory: lint $((rss_lint / 1024)) MiB, diff $((rss_diff / 1024)) MiB (ratio $(ratio "$rss_diff" "$rss_lint"))."
fi
