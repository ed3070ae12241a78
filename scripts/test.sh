#!/usr/bin/env bash
# Set up and run every test: unit tests of all crates (rules included, on the
# host target), then the integration tests, which build the rule components
# for wasm32-wasip2 and drive the real `hookwarden` binary with them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
