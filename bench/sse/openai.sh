#!/usr/bin/env bash
# OpenAI's published spec generates a crate that builds (issue #20): the spec comes from the
# openai/openai-openapi repository (a clone or mirror given as $1, default the mirror path the
# workspace keeps), is generated with oagen into a temporary directory and built (and linted)
# with its own target directory under this repository's target/. The spec is not committed: it
# is 3 MB; tests/fixtures/gen/stream-openai-chat.yaml carries its chat-completion operation.
#
#   bash bench/sse/openai.sh [path-to-openai-openapi-git-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repo=${1:-/work/.mirror/openai+openai-openapi/repo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" show HEAD:openapi.yaml > "$work/openai.yaml"
echo "spec: openai/openai-openapi $(git -C "$repo" rev-parse HEAD)"
cargo run -q -p oagen --features cli --manifest-path "$root/Cargo.toml" -- \
  generate "$work/openai.yaml" --out "$work/openai" --crate-name openai
grep -l "EventStream<" "$work"/openai/src/*.rs | sed 's/^/streams in: /'
export CARGO_TARGET_DIR="$root/target/openai"
(cd "$work/openai" && cargo build && cargo clippy -- -D warnings)
echo "OpenAI's crate builds, clippy-clean"
