#!/usr/bin/env bash
# oasdiff on the same real spec histories as bench/history.sh, for a side-by-side of verdicts.
#
# Current oasdiff needs Go 1.26 and ~35 modules from the Go module proxy, which this machine
# cannot reach; Debian 12 has Go 1.19. So this builds **oasdiff v1.3.4** (the newest tag whose
# go.mod says `go 1.19`, and the first line with the ERR/WARN `-check-breaking` checker) from
# source snapshots and Debian's packaged Go libraries, in GOPATH mode (go.sum is not checked):
#   - oasdiff v1.3.4, kin-openapi v0.114.0 (the version it asks for; Debian has 0.110),
#     TwiN/go-color v1.4.0, yargevad/filepathx v1.0.0: bare git clones (the search tool's
#     `fetch` gives them), named by OASDIFF_GIT, KIN_GIT, COLOR_GIT, FPX_GIT;
#   - everything else from Debian (`apt-get install` below); four differ slightly from the
#     versions go.mod asks for: cloud.google.com/go/civil 0.56 (wants 0.110), x/exp 2022-10-28
#     (2022-11-14), go-openapi/jsonpointer 0.19.5 (0.19.6), go-openapi/swag 0.21.1 (0.22.3).
# One upstream fix is applied from oasdiff's own history (commit 6524c7a0, released in v1.3.6,
# the four checker files only): v1.3.4 panics on a nil map in three GitHub pairs without it.
# oasdiff's own `go test ./...` passes on this build (RUN_TESTS=1).
#
#   OASDIFF_GIT=… KIN_GIT=… COLOR_GIT=… FPX_GIT=… bench/oasdiff.sh
#
# It reads the pairs bench/history.sh wrote (HISTORY_WORK, default target/history), runs
# `oasdiff -check-breaking -fail-on-diff -base OLD -revision NEW` on each (one at a time,
# GOMAXPROCS=1), and prints per history: pairs read, pairs with an ERR, and the pairs where
# oasdiff (≥ 1 ERR = breaking) and oagen (breaking or not) disagree. oagen's `diff` runs on each
# pair right before oasdiff, so the median times per history compare within one run.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${HISTORY_WORK:-$ROOT/target/history}
OUT=$ROOT/target/oasdiff
: "${OASDIFF_GIT:?bare clone of tufin/oasdiff}" "${KIN_GIT:?bare clone of getkin/kin-openapi}"
: "${COLOR_GIT:?bare clone of TwiN/go-color}" "${FPX_GIT:?bare clone of yargevad/filepathx}"
[ -f "$WORK/pairs.tsv" ] || { echo "run bench/history.sh first ($WORK/pairs.tsv)" >&2; exit 2; }

APT="golang-go golang-github-stretchr-testify-dev golang-gopkg-yaml.v3-dev golang-gopkg-yaml.v2-dev
 golang-github-invopop-yaml-dev golang-github-go-openapi-jsonpointer-dev golang-github-go-openapi-swag-dev
 golang-github-mohae-deepcopy-dev golang-github-perimeterx-marshmallow-dev golang-github-yuin-goldmark-dev
 golang-golang-x-exp-dev golang-github-mailru-easyjson-dev golang-github-josharian-intern-dev
 golang-github-davecgh-go-spew-dev golang-github-pmezard-go-difflib-dev golang-google-cloud-dev"
missing=""
for p in $APT; do dpkg -s "$p" > /dev/null 2>&1 || missing="$missing $p"; done
[ -n "$missing" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing

# The build.
rm -rf "$OUT/gopath" "$OUT/deps"
src=$OUT/gopath/src/github.com/tufin/oasdiff
mkdir -p "$src" "$OUT/deps/src/github.com/getkin/kin-openapi" \
  "$OUT/deps/src/github.com/TwiN/go-color" "$OUT/deps/src/github.com/yargevad/filepathx" "$OUT/out"
git --git-dir="$OASDIFF_GIT" archive v1.3.4 | tar -x -C "$src"
git --git-dir="$KIN_GIT" archive v0.114.0 | tar -x -C "$OUT/deps/src/github.com/getkin/kin-openapi"
git --git-dir="$COLOR_GIT" archive v1.4.0 | tar -x -C "$OUT/deps/src/github.com/TwiN/go-color"
git --git-dir="$FPX_GIT" archive v1.0.0 | tar -x -C "$OUT/deps/src/github.com/yargevad/filepathx"
rm -rf "$OUT/deps/src/github.com/yargevad/filepathx/example"
fix="checker/check-request-header-property-became-required.go checker/check-request-property-became-required.go
 checker/check-response-header-removed.go checker/check-response-property-became-optional.go"
# shellcheck disable=SC2086
git --git-dir="$OASDIFF_GIT" show 6524c7a0 -- $fix | (cd "$src" && patch -s -p1)
export GO111MODULE=off GOPATH="$OUT/gopath:$OUT/deps:/usr/share/gocode" GOCACHE="$OUT/gocache"
export GOFLAGS="" GOMAXPROCS=1 CGO_ENABLED=0
(cd "$src" && go build -p 1 -trimpath -o "$OUT/oasdiff" .) || exit 2
[ "${RUN_TESTS:-0}" = 1 ] && (cd "$src" && go test -p 1 ./...)

# The runs.
results=$OUT/results.tsv
printf 'history\tpair\tread\terrors\twarnings\tseconds\tmax_rss_mib\toagen_seconds\n' > "$results"
(cd "$ROOT" && cargo build --release -q -p oagen --features cli)
while IFS=$'\t' read -r name pair old new; do
  tag=$(printf '%s__%s' "$name" "$pair" | tr -c 'A-Za-z0-9._\n-' _)
  # oagen on the same pair right before, so that the two share the machine's state.
  /usr/bin/time -f '%e' -o "$OUT/oagen-time.txt" "$ROOT/target/release/oagen" diff "$old" "$new" \
    > /dev/null 2>&1
  oagen_secs=$(grep -E '^[0-9.]+$' "$OUT/oagen-time.txt" | tail -n 1)
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" timeout 900 "$OUT/oasdiff" -check-breaking \
    -fail-on-diff -format text -base "$old" -revision "$new" > "$OUT/out/$tag.txt" 2>&1
  rc=$?
  read -r secs rss < <(grep -E '^[0-9.]+ [0-9]+$' "$OUT/time.txt" | tail -n 1)
  # 0: no ERR; 1: at least one ERR (-fail-on-diff); 102/103: a side failed to load.
  case $rc in 0 | 1) read=yes ;; *) read=no ;; esac
  text=$(sed 's/\x1b\[[0-9;]*m//g' "$OUT/out/$tag.txt")
  errs=$(printf '%s\n' "$text" | grep -cE '^error at ')
  warns=$(printf '%s\n' "$text" | grep -cE '^warning at ')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$pair" "$read" "$errs" "$warns" "$secs" \
    "$(( ${rss:-0} / 1024 ))" "$oagen_secs" >> "$results"
done < "$WORK/pairs.tsv"

python3 - "$results" "$WORK/results.tsv" <<'PY'
import csv, sys, collections
od = {(r["history"], r["pair"]): r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")}
og = {(r["history"], r["pair"]): r for r in csv.DictReader(open(sys.argv[2]), delimiter="\t")}
by = collections.OrderedDict()
for k, r in od.items():
    by.setdefault(k[0], []).append(r)
print("| history | pairs | read by oasdiff | with an ERR | read by both | agree on breaking | oasdiff median s | oagen median s | max RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
disagree = []
for h, rs in by.items():
    read = [r for r in rs if r["read"] == "yes"]
    both = [r for r in read if og.get((h, r["pair"]), {}).get("exit") in ("0", "1")]
    agree = 0
    for r in both:
        a = og[(h, r["pair"])]["verdict"] == "breaking"
        b = int(r["errors"]) > 0
        agree += a == b
        if a != b:
            disagree.append(f"{h} {r['pair']}: oagen {og[(h, r['pair'])]['verdict']}, oasdiff {r['errors']} ERR / {r['warnings']} WARN")
    secs = sorted(float(r["seconds"] or 0) for r in rs)
    osecs = sorted(float(r["oagen_seconds"] or 0) for r in rs)
    print(f"| {h} | {len(rs)} | {len(read)} | {sum(int(r['errors']) > 0 for r in read)} | {len(both)} | {agree} | {secs[len(secs)//2]:.2f} | {osecs[len(osecs)//2]:.2f} | {max(int(r['max_rss_mib']) for r in rs)} |")
print()
print("\n".join(disagree) or "no disagreement")
PY
