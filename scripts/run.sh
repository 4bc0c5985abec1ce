#!/usr/bin/env bash
# Sets up whatever is missing, builds Hookhub for release and serves it on SQLite.
# Extra arguments go to `hookhub serve` (e.g. --listen 0.0.0.0:3000).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

printf '\n==> building Hookhub (release)\n'
cargo leptos build --release --precompress
# --demo-admin: on the first start, creates the user `admin` and prints its password once.
exec target/release/hookhub serve --site-root target/site --demo-admin "$@"
