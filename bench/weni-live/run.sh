#!/usr/bin/env bash
# The weni-live bench: the generated `weni` client against the real Weni Flows server.
#
#   bench/weni-live/run.sh [--fresh] [--record] [--stop]
#
#   --fresh   drop the database first (stop.sh --purge), so the recording starts from the seed alone
#   --record  rewrite tests/fixtures/weni-live/ (the recording the CI test replays)
#   --stop    stop the server afterwards
#
# Steps: start the server with /work/shared/weni-server/start.sh (WENI_SERVER overrides the directory,
# WENI_MIRROR must name the weni-ai/flows git directory on a first start), add bench/weni-live/seed.py's
# data, run every case (cargo run -p weni-live), write the per-operation table to
# target/weni-live/table.md and check the recorded responses strictly against specs/weni.yaml.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SERVER="${WENI_SERVER:-/work/shared/weni-server}"
ROOT="${WENI_ROOT:-/tmp/weni-real}"
export WENI_API_TOKEN="${WENI_API_TOKEN:-5eed0000000000000000000000000000000000a1}"
HTTP="${WENI_HTTP:-127.0.0.1:8000}"
fresh=0; record=0; stop=0
for a in "$@"; do
  case "$a" in
    --fresh) fresh=1 ;; --record) record=1 ;; --stop) stop=1 ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done

if [ "$fresh" = 1 ]; then "$SERVER/stop.sh" --purge || true; fi
"$SERVER/start.sh"

echo "[run.sh] bench seed"
(cd "$ROOT/flows" && PYTHONWARNINGS=ignore "$ROOT/venv/bin/python" manage.py shell \
  -c "exec(open('$HERE/seed.py').read())" 2>&1 | grep '^SEED')

OUT="$REPO/target/weni-live"; mkdir -p "$OUT"
args=(--base "http://$HTTP" --table "$OUT/table.md")
if [ "$record" = 1 ]; then args+=(--record "$REPO/tests/fixtures/weni-live" --nonce rec); fi
status=0
(cd "$REPO" && cargo run -q -p weni-live -- "${args[@]}") | tee "$OUT/cases.txt" || status=$?

if [ "$record" = 1 ]; then
  python3 "$HERE/strict_check.py" "$REPO/specs/weni.yaml" "$REPO/tests/fixtures/weni-live" || status=1
fi
if [ "$stop" = 1 ]; then "$SERVER/stop.sh"; fi
exit $status
