#!/usr/bin/env bash
# Fuzzes Hookhub's HTTP surface with schemathesis (from PyPI): every operation that
# /api/v1/openapi.json describes, and the dialects, inbound call URLs and the dashboard's login
# server functions (bench/fuzz-dialects.yaml), get generated, boundary and mutated inputs; no
# answer may be a 5xx, and afterwards the server's log must hold no panic. Separate from the
# tests: run it by hand.
#
#   bench/fuzz-api.sh [cases per operation, default 100]
#
# HOOKHUB_BIN picks the binary (default target/release/hookhub, built when missing);
# HOOKHUB_FUZZ_DATABASE an empty database to use instead of a fresh SQLite file (e.g. a
# PostgreSQL one: postgres://postgres@127.0.0.1/hookhub_fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${1:-100}
HOOKHUB=${HOOKHUB_BIN:-target/release/hookhub}
VENV=$PWD/.tools/fuzz-venv

[ -x "$HOOKHUB" ] || cargo build --release --locked -p server
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
database=${HOOKHUB_FUZZ_DATABASE:-"sqlite://$work/fuzz.db"}
export HOOKHUB_PASSWORD="fuzzing password" RUST_LOG=warn
"$HOOKHUB" migrate --database-url "$database" >/dev/null
"$HOOKHUB" user create --username fuzz --admin --database-url "$database" >/dev/null
token=$("$HOOKHUB" token create --username fuzz --role admin --database-url "$database")

# Port 0: the server prints the address it got as the last word of its first line.
"$HOOKHUB" serve --listen 127.0.0.1:0 --database-url "$database" --rate-limit 0 \
  --ingest-rate-limit 0 \
  >"$work/stdout" 2>"$work/log" &
server=$!
until [ -s "$work/stdout" ]; do
  kill -0 "$server" 2>/dev/null || { cat "$work/log"; exit 1; }
  sleep 0.2
done
url=$(head -n1 "$work/stdout" | awk '{print $NF}')

# Path parameters named `project` stay on the project that exists, so the cases reach the
# handlers' validation instead of stopping at 404; ids and bodies are generated. (No stateful
# phase: the links schemathesis infers from that fixed parameter lead to operations without it.)
cat >"$work/schemathesis.toml" <<'TOML'
[parameters]
project = "default"
TOML

# The dashboard's server functions act for a logged-in session.
session=$(curl -s -o /dev/null -D - -H 'accept: text/html' \
  --data-urlencode username=fuzz --data-urlencode "password=$HOOKHUB_PASSWORD" \
  "$url/_hookhub/login" | sed -n 's/^set-cookie: \([^;]*\).*/\1/ip')
dialects=$PWD/bench/fuzz-dialects.yaml

# From the temp dir: schemathesis keeps a cache in its working directory.
status=0
cd "$work"
fuzz() {
  "$VENV/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$@" \
    --header "Authorization: Bearer $token" \
    --header "Cookie: $session" \
    --generation-with-security-parameters false \
    --phases examples,coverage,fuzzing \
    --checks not_a_server_error \
    --max-examples "$EXAMPLES" \
    --workers 2 \
    --suppress-health-check all \
    --no-color || status=$?
}
fuzz "$url/api/v1/openapi.json"
fuzz "$dialects" --url "$url"

if grep -n "panicked" "$work/log"; then
  echo "the server panicked (above)"
  status=1
fi
exit "$status"
