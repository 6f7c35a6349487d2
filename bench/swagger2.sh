#!/usr/bin/env bash
# The Swagger 2.0 corpus: real Swagger 2.0 specs, listed with their sources and sha256 in
# bench/swagger2-corpus.tsv (npm packages at pinned versions, and files of public GitHub
# repositories at pinned commits). For each spec, in one run:
#   - oagen generate (release build, with --stats for the typed share), then `cargo check`;
#   - openapi-generator's `rust` target (--skip-validate-spec, as bench/sloppy.sh runs it),
#     then `cargo check`.
# The crates of each tool are checked together, as one cargo workspace with --keep-going, so
# their dependencies build once and one broken crate does not hide the others.
#
#   bench/swagger2.sh MIRRORS          # writes bench/swagger2-report.md
#
# MIRRORS holds one bare git directory per repository, at MIRRORS/<owner>+<name>/repo (the
# layout a `fetch` of github:<owner>/<name> gives; a `git clone --bare` into that path works
# too). The npm packages are installed into $WORK/npm. For a GitHub spec, the folder it sits in
# is unpacked whole, so that relative `$ref`s resolve. Every file's sha256 is checked against
# the list. Nothing from these sources is committed here.
#
# Needs: npm, git, python3 (3.11+), openapi-generator-cli on PATH
# (`pip install openapi-generator-cli`, Java 11+; TOOLS=oagen skips it).
# Environment: SWAGGER2_WORK (default target/swagger2), GEN_TIMEOUT (s, default 120),
# TOOLS ("oagen openapi-generator"), SKIP_GENERATE=1 (check and report on an earlier run).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIRRORS=${1:?usage: bench/swagger2.sh MIRRORS}
WORK=${SWAGGER2_WORK:-$ROOT/target/swagger2}
GEN_TIMEOUT=${GEN_TIMEOUT:-120}
TOOLS=${TOOLS:-oagen openapi-generator}
LIST=$ROOT/bench/swagger2-corpus.tsv
OAGEN=$ROOT/target/release/oagen
REPORT=$ROOT/bench/swagger2-report.md
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
SRC=$WORK/src
RESULTS=$WORK/results.tsv

# 1. The corpus.
mkdir -p "$SRC" "$WORK/npm"
tail -n +2 "$LIST" | cut -f1 | grep '^npm:' | sort -u | sed 's/^npm://' | while read -r pkg; do
  name=${pkg%@*}
  [ -d "$WORK/npm/node_modules/$name" ] && continue
  (cd "$WORK/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --ignore-scripts "$pkg" >&2) || exit 1
done
spec_path() { # source path -> local file
  case $1 in
    npm:*) local pkg=${1#npm:}; printf '%s/npm/node_modules/%s/%s' "$WORK" "${pkg%@*}" "$2" ;;
    github:*) local r=${1#github:}; local repo=${r%@*}; printf '%s/%s/%s/%s' "$SRC" "${repo/\//+}" "${r#*@}" "$2" ;;
  esac
}
bad=0
while IFS=$'\t' read -r source path sha _bytes _title; do
  file=$(spec_path "$source" "$path")
  if [ ! -f "$file" ] && [ "${source%%:*}" = github ]; then
    r=${source#github:}; repo=${r%@*}; commit=${r#*@}
    mkdir -p "$SRC/${repo/\//+}/$commit"
    git --git-dir="$MIRRORS/${repo/\//+}/repo" archive "$commit" -- "$(dirname "$path")" |
      tar -x -C "$SRC/${repo/\//+}/$commit" || { echo "cannot unpack $source $path" >&2; bad=1; }
  fi
  got=$(sha256sum "$file" 2>/dev/null | cut -d' ' -f1)
  [ "$got" = "$sha" ] || { echo "sha256 mismatch (or missing): $source $path" >&2; bad=1; }
done < <(tail -n +2 "$LIST")
[ $bad = 0 ] || exit 1

# 2. Generation.
if [ "${SKIP_GENERATE:-0}" != 1 ]; then
(cd "$ROOT" && cargo build --release -q -p oagen --features cli)
rm -rf "$WORK/oagen" "$WORK/openapi-generator" "$WORK/logs"
mkdir -p "$WORK/oagen" "$WORK/openapi-generator" "$WORK/logs"
printf 'id\tspec\ttool\tgenerate\tdetail\tpositions\tvalue_positions\tfallbacks\twarnings\n' > "$RESULTS"
i=0
tail -n +2 "$LIST" | while IFS=$'\t' read -r source path _sha bytes _title; do
  i=$((i + 1))
  id=$(printf 'w%02d' "$i")
  spec=$(spec_path "$source" "$path")
  label="$source:$path"
  for tool in $TOOLS; do
    out=$WORK/$tool/$id
    log=$WORK/logs/$id-$tool.txt
    stats=(); pos=; val=; fb=; warn=
    case $tool in
      oagen)
        timeout "$GEN_TIMEOUT" "$OAGEN" generate "$spec" --out "$out" --crate-name "$id" \
          --runtime-path "$ROOT/generator/runtime" --stats "$WORK/logs/$id.stats" > "$log" 2>&1
        rc=$?
        warn=$(grep -c '^warning\[' "$log")
        if grep -q 'panicked' "$log"; then status=panic
        elif [ $rc -eq 0 ]; then status=ok
        elif [ $rc -eq 124 ]; then status=timeout
        else status=refused; fi
        detail=""
        [ $status = ok ] || detail=$(grep -m1 -E '^error|panicked' "$log" | cut -c1-160)
        if [ $status = ok ]; then
          s=$(cat "$WORK/logs/$id.stats")
          num() { echo "$s" | grep -oE "\"$1\":[0-9]+" | cut -d: -f2; }
          pos=$(num positions); val=$(num value_positions); fb=$(num fallbacks)
        fi
        ;;
      openapi-generator)
        timeout "$GEN_TIMEOUT" openapi-generator-cli generate -i "$spec" -g rust -o "$out" \
          --skip-validate-spec --additional-properties=packageName="$id" > "$log" 2>&1
        rc=$?
        if [ $rc -eq 0 ] && [ -f "$out/Cargo.toml" ]; then status=ok
        elif [ $rc -eq 124 ]; then status=timeout
        else status=refused; fi
        detail=""
        [ $status = ok ] || detail=$(grep -m1 -E '^Exception|^Caused by|\] ERROR ' "$log" | cut -c1-160)
        if [ $status = ok ]; then
          # Its typed share, counted the same way: struct fields and parameters whose type is or
          # holds `serde_json::Value`, against all of them (a rough count: fields and
          # arguments of `pub fn`s in the models and apis).
          pos=$(cat "$out"/src/models/*.rs "$out"/src/apis/*_api.rs 2>/dev/null |
            grep -cE '^\s*pub [a-z_0-9]+: |^\s*pub [a-z_0-9#]+: ' || true)
          val=$(cat "$out"/src/models/*.rs "$out"/src/apis/*_api.rs 2>/dev/null |
            grep -E '^\s*pub [a-z_0-9#]+: ' | grep -c 'serde_json::Value' || true)
        fi
        ;;
    esac
    [ $status = ok ] || rm -rf "$out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$tool" "$status" "$detail" \
      "$pos" "$val" "$fb" "$warn" >> "$RESULTS"
    printf '%s %-18s %s %s\n' "$id" "$tool" "$status" "$detail" >&2
  done
done
fi

# 3. `cargo check`, one workspace per tool (see bench/sloppy.sh for the manifest check).
for tool in $TOOLS; do
  dir=$WORK/$tool
  rm -f "$dir/Cargo.toml"
  : > "$dir/bad-manifests.txt"
  for m in "$dir"/w[0-9][0-9]; do
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
  members=$(cd "$dir" && ls -d w[0-9][0-9] 2>/dev/null | grep -vxF -f bad-manifests.txt |
    sed 's/.*/"&"/' | paste -sd, -)
  printf '[workspace]\nresolver = "2"\nmembers = [%s]\n' "$members" > "$dir/Cargo.toml"
  start=$(date +%s)
  (cd "$dir" && CARGO_TARGET_DIR=$WORK/target cargo check -j2 --workspace --keep-going \
    --message-format short > "$WORK/logs/check-$tool.txt" 2>&1)
  echo "$tool: cargo check of every crate took $(( $(date +%s) - start )) s" >&2
done

# 4. The report.
python3 - "$RESULTS" "$WORK" "$REPORT" "$TOOLS" "$LIST" <<'PY'
import re, sys, collections
results, work, report, tools, listing = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5]
rows = [l.rstrip('\n').split('\t') for l in open(results)][1:]
sizes = {f"{r[0]}:{r[1]}": (int(r[3]), r[4]) for r in (l.rstrip('\n').split('\t') for l in list(open(listing))[1:])}
failed, warned = {}, {}
for tool in tools:
    text = open(f"{work}/logs/check-{tool}.txt", errors="replace").read()
    if "failed to load manifest" in text:
        sys.exit(f"{tool}: the workspace did not load; see {work}/logs/check-{tool}.txt")
    failed[tool] = set(re.findall(r"could not compile `(w\d\d)`", text))
    failed[tool] |= {l.strip() for l in open(f"{work}/{tool}/bad-manifests.txt") if l.strip()}
    warned[tool] = set(re.findall(r"`(w\d\d)` \((?:lib|bin)[^)]*\) generated \d+ warning", text))
specs = collections.OrderedDict()
for id_, label, tool, status, detail, pos, val, fb, warn in rows:
    s = specs.setdefault(id_, {"label": label})
    s[tool] = dict(status=status, detail=detail, pos=int(pos or 0), val=int(val or 0), fb=int(fb or 0), warn=int(warn or 0))
def compiled(id_, tool):
    return specs[id_].get(tool, {}).get("status") == "ok" and id_ not in failed[tool]
n = len(specs)
big = max(sizes.values())[0]
lines = ["# Swagger 2.0 corpus: oagen against openapi-generator", "",
         "Generated by `bench/swagger2.sh` from the specs listed, with their sources and sha256, in",
         "`bench/swagger2-corpus.tsv`.", "",
         f"Specs: {n} ({len({t for _, t in sizes.values()})} distinct titles; the largest {big:,} bytes).", "",
         "| tool | generated | compiled | compiled share | compiled without warnings | refused | panics | positions | typed | typed share |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for tool in tools:
    st = [s.get(tool, {}) for s in specs.values()]
    gen = sum(1 for x in st if x.get("status") == "ok")
    comp = [i for i in specs if compiled(i, tool)]
    clean = sum(1 for i in comp if i not in warned[tool])
    ref = sum(1 for x in st if x.get("status") in ("refused", "timeout"))
    pan = sum(1 for x in st if x.get("status") == "panic")
    pos = sum(specs[i][tool]["pos"] for i in comp)
    val = sum(specs[i][tool]["val"] for i in comp)
    share = f"{100 * (pos - val) / pos:.1f}%" if pos else "-"
    lines.append(f"| {tool} | {gen} | {len(comp)} | {100 * len(comp) / n:.0f}% | {clean} | {ref} | {pan} | {pos} | {pos - val} | {share} |")
lines.append("")
lines.append("## Per spec")
lines.append("")
head = "| id | spec | bytes | " + " | ".join(f"{t}" for t in tools) + " | oagen typed share | oagen warnings |"
lines.append(head)
lines.append("|---|---|---:|" + "---|" * len(tools) + "---:|---:|")
for id_, s in specs.items():
    cells = []
    for t in tools:
        x = s.get(t, {})
        if x.get("status") != "ok":
            cells.append(f"{x.get('status', '-')}: {x.get('detail', '').replace('|', '/')[:90]}")
        elif id_ in failed[t]:
            cells.append("does not compile")
        elif id_ in warned[t]:
            cells.append("compiles, with warnings")
        else:
            cells.append("compiles")
    o = s.get("oagen", {})
    share = f"{100 * (o['pos'] - o['val']) / o['pos']:.1f}%" if o.get("pos") else "-"
    size = sizes.get(s["label"], (0, ""))[0]
    lines.append(f"| {id_} | `{s['label']}` | {size:,} | " + " | ".join(cells) + f" | {share} | {o.get('warn', '')} |")
lines += ["", "## How to read this", "",
  "A spec *compiles* when its crate passes `cargo check` (in one workspace per tool, with",
  "`--keep-going`). oagen's *positions* are its `--stats` type positions (struct fields, map",
  "values, union payloads, alias targets, parameters, request bodies, JSON success bodies), as",
  "in `bench/corpus-report.md`; a position is untyped when its type is or holds",
  "`serde_json::Value`. openapi-generator has no such count: its row counts the `pub` fields of",
  "the generated models and API parameter structs, and those of type `serde_json::Value`, over",
  "the crates that compile, which is a rougher measure (its typed share is not comparable",
  "digit for digit). A *refused* spec is one the tool stopped on, with its first error."]
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[:12]))
PY
