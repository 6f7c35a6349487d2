#!/usr/bin/env bash
# The sloppy-spec corpus: specs as people write them (hand-written and test-suite specs from
# oasdiff, swagger-parser and Redocly, and every published version of Whereby's spec), listed
# with their sources in bench/sloppy-corpus.tsv. For each spec, in one run:
#   - oagen generate (release build), then `cargo check` of every generated crate;
#   - openapi-generator's `rust` target with --skip-validate-spec (the relaxed mode), then
#     `cargo check` of every crate it generated.
# The crates of each tool are checked together, as one cargo workspace with --keep-going, so
# their dependencies build once and one broken crate does not hide the others.
#
#   bench/sloppy-prepare.sh MIRRORS      # once: unpack the corpus (see that script)
#   bench/sloppy.sh                      # writes bench/sloppy-report.md
#
# Needs: openapi-generator-cli on PATH (`pip install openapi-generator-cli`, Java 11+).
# Environment: SLOPPY_SRC (default target/sloppy/src), SLOPPY_WORK (default target/sloppy),
# GEN_TIMEOUT (s, default 120), TOOLS ("oagen openapi-generator"), SKIP_GENERATE=1 (check
# and report on the crates an earlier run generated).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${SLOPPY_SRC:-$ROOT/target/sloppy/src}
WORK=${SLOPPY_WORK:-$ROOT/target/sloppy}
GEN_TIMEOUT=${GEN_TIMEOUT:-120}
TOOLS=${TOOLS:-oagen openapi-generator}
LIST=$ROOT/bench/sloppy-corpus.tsv
OAGEN=$ROOT/target/release/oagen
REPORT=$ROOT/bench/sloppy-report.md
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

RESULTS=$WORK/results.tsv
if [ "${SKIP_GENERATE:-0}" != 1 ]; then
(cd "$ROOT" && cargo build --release -q -p oagen)
rm -rf "$WORK/oagen" "$WORK/openapi-generator" "$WORK/logs"
mkdir -p "$WORK/oagen" "$WORK/openapi-generator" "$WORK/logs"
printf 'id\tspec\ttool\tgenerate\tdetail\n' > "$RESULTS"

i=0
tail -n +2 "$LIST" | while IFS=$'\t' read -r repo commit path; do
  i=$((i + 1))
  id=$(printf 's%03d' "$i")
  spec=$SRC/${repo/\//+}/$commit/$path
  label="$repo@${commit:0:7}:$path"
  if [ ! -f "$spec" ]; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$label" all missing "run bench/sloppy-prepare.sh" >> "$RESULTS"
    continue
  fi
  for tool in $TOOLS; do
    out=$WORK/$tool/$id
    log=$WORK/logs/$id-$tool.txt
    case $tool in
      oagen)
        timeout "$GEN_TIMEOUT" "$OAGEN" generate "$spec" --out "$out" --crate-name "$id" \
          --runtime-path "$ROOT/generator/runtime" > "$log" 2>&1
        rc=$?
        warnings=$(grep -c '^warning\[' "$log")
        if grep -q 'panicked' "$log"; then status=panic
        elif [ $rc -eq 0 ]; then status=ok
        elif [ $rc -eq 124 ]; then status=timeout
        else status=refused; fi
        detail="warnings=$warnings"
        [ $status = ok ] || detail=$(grep -m1 '^error' "$log" | cut -c1-160)
        ;;
      openapi-generator)
        timeout "$GEN_TIMEOUT" openapi-generator-cli generate -i "$spec" -g rust -o "$out" \
          --skip-validate-spec --additional-properties=packageName="$id" > "$log" 2>&1
        rc=$?
        if [ $rc -eq 0 ] && [ -f "$out/Cargo.toml" ]; then status=ok
        elif [ $rc -eq 124 ]; then status=timeout
        else status=refused; fi
        detail=""
        [ $status = ok ] || detail=$(grep -m1 -E 'Exception|ERROR|error' "$log" | cut -c1-160)
        ;;
    esac
    [ $status = ok ] || rm -rf "$out"
    printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$tool" "$status" "$detail" >> "$RESULTS"
  done
done
fi

# One workspace per tool, checked with --keep-going: a crate that fails is named by cargo.
# A crate whose manifest cargo rejects (openapi-generator writes `version = "demo.0.0"` for
# `info.version: demo`) would stop the whole workspace from loading: it counts as a crate that
# does not compile and stays out.
for tool in $TOOLS; do
  dir=$WORK/$tool
  rm -f "$dir/Cargo.toml"
  : > "$dir/bad-manifests.txt"
  for m in "$dir"/s[0-9][0-9][0-9]; do
    [ -d "$m" ] || continue
    sed -i '/^\[workspace\]/,/^$/d' "$m/Cargo.toml"
    python3 - "$m/Cargo.toml" <<'PY' || basename "$m" >> "$dir/bad-manifests.txt"
import re, sys, tomllib
package = tomllib.load(open(sys.argv[1], "rb")).get("package", {})
semver = r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
ok = re.fullmatch(semver, str(package.get("version", "0.0.0"))) and re.fullmatch(r"[A-Za-z0-9_-]+", str(package.get("name", "")))
sys.exit(0 if ok else 1)
PY
  done
  members=$(cd "$dir" && ls -d s[0-9][0-9][0-9] 2>/dev/null | grep -vxF -f bad-manifests.txt |
    sed 's/.*/"&"/' | paste -sd, -)
  printf '[workspace]\nresolver = "2"\nmembers = [%s]\n' "$members" > "$dir/Cargo.toml"
  start=$(date +%s)
  (cd "$dir" && CARGO_TARGET_DIR=$WORK/target cargo check --workspace --keep-going \
    --message-format short > "$WORK/logs/check-$tool.txt" 2>&1)
  echo "$tool: cargo check of every crate took $(( $(date +%s) - start )) s" >&2
done

python3 - "$RESULTS" "$WORK" "$REPORT" "$TOOLS" <<'PY'
import re, sys, collections
results, work, report, tools = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
rows = [l.rstrip('\n').split('\t') for l in open(results)][1:]
failed = {}
for tool in tools:
    text = open(f"{work}/logs/check-{tool}.txt", errors="replace").read()
    failed[tool] = set(re.findall(r"could not compile `(s\d{3})`", text))
    failed[tool] |= {l.strip() for l in open(f"{work}/{tool}/bad-manifests.txt") if l.strip()}
    if "failed to load manifest" in text:
        sys.exit(f"{tool}: the workspace did not load; see {work}/logs/check-{tool}.txt")
specs = collections.OrderedDict()
for id_, label, tool, status, detail in rows:
    s = specs.setdefault(id_, {"label": label})
    s[tool] = (status, detail)
def compiled(s, tool):
    st = s.get(tool, ("missing", ""))[0]
    return st == "ok" and s_id(s) not in failed[tool]
ids = {v["label"]: k for k, v in specs.items()}
def s_id(s): return ids[s["label"]]
lines = ["# Sloppy-spec corpus: oagen against openapi-generator (relaxed)", "",
         "Generated by `bench/sloppy.sh` from the specs listed in `bench/sloppy-corpus.tsv`.", ""]
n = len(specs)
lines.append(f"Specs: {n}.")
lines.append("")
lines.append("| tool | generated | compiled | refused | panics |")
lines.append("|---|---:|---:|---:|---:|")
for tool in tools:
    gen = sum(1 for s in specs.values() if s.get(tool, ("",))[0] == "ok")
    comp = sum(1 for s in specs.values() if compiled(s, tool))
    ref = sum(1 for s in specs.values() if s.get(tool, ("",))[0] in ("refused", "timeout"))
    pan = sum(1 for s in specs.values() if s.get(tool, ("",))[0] == "panic")
    lines.append(f"| {tool} | {gen} | {comp} | {ref} | {pan} |")
lines.append("")
if "oagen" in tools and "openapi-generator" in tools:
    only_og = [s["label"] for s in specs.values() if compiled(s, "openapi-generator") and not compiled(s, "oagen")]
    only_oa = [s["label"] for s in specs.values() if compiled(s, "oagen") and not compiled(s, "openapi-generator")]
    lines.append(f"Compiled by openapi-generator but not by oagen: **{len(only_og)}**.")
    for l in only_og: lines.append(f"- {l}")
    lines.append("")
    lines.append(f"Compiled by oagen but not by openapi-generator: {len(only_oa)}.")
    lines.append("")
lines.append("## Specs oagen refuses or does not compile")
lines.append("")
lines.append("| spec | oagen | first error |")
lines.append("|---|---|---|")
for s in specs.values():
    st, detail = s.get("oagen", ("missing", ""))
    if st != "ok" or not compiled(s, "oagen"):
        why = detail if st != "ok" else "cargo check failed"
        lines.append(f"| `{s['label']}` | {st} | {why.replace('|', '/')} |")
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[:14]))
PY
