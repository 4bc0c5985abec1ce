#!/usr/bin/env bash
# Runs every test: the Rust suites (engine unit tests, server integration tests), then the
# dashboard in a real Chromium through Playwright. Sets up whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }

step "building the server and the browser bundle (debug)"
cargo leptos build

# Compile exactly as cargo-leptos did (its cfg flag and the bundle name leptos reads at compile
# time), so cargo reuses those artefacts and leaves the binary the browser tests run unchanged.
export HOOKHUB_TEST_PYTHON="$PWD/.tools/venv/bin/python"
export RUSTFLAGS="--cfg erase_components"
LEPTOS_OUTPUT_NAME=$(sed -n 's/^output-name = "\(.*\)"/\1/p' Cargo.toml)
export LEPTOS_OUTPUT_NAME
postgres_url="${HOOKHUB_TEST_POSTGRES_URL:-}"

step "Rust tests (SQLite)"
env -u HOOKHUB_TEST_POSTGRES_URL cargo test --locked -p engine -p app -p server

if [ -n "$postgres_url" ]; then
  step "integration tests on PostgreSQL (HOOKHUB_TEST_POSTGRES_URL; one database per test)"
  HOOKHUB_TEST_POSTGRES_URL="$postgres_url" cargo test --locked -p server --test api
else
  step "PostgreSQL suite SKIPPED: HOOKHUB_TEST_POSTGRES_URL is not set (see README)"
fi

step "browser tests (Playwright, Chromium)"
(cd end2end && npx playwright test)
