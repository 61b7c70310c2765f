#!/usr/bin/env bash
# Does Heard install and start on another Python? For each interpreter given, in a throw-away directory:
# a fresh venv, requirements/embedded.lock (hashes checked), Heard's wheel built from this checkout, then
# `heard --help`, `heard migrate` (DATABASE_URL if set, else the embedded PostgreSQL), `heard serve`, and a
# page in Welsh and htmx fetched from it. Needs `bash infra/setup.sh` first (htmx, the build tools).
#
#   bash infra/try_python.sh /usr/bin/python3.12 /usr/bin/python3.13
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: bash infra/try_python.sh PYTHON..." >&2; exit 2; }
work=$(mktemp -d -t heard-try-python-XXXX)
trap 'rm -rf "$work"' EXIT
.venv/bin/pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$work/dist" . 2>/dev/null
wheel=$(ls "$work"/dist/heard-*.whl)
for python in "$@"; do
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  echo "==> Python $version ($python)"
  venv="$work/venv-$version"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r requirements/embedded.lock
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$wheel"
  (cd "$work" && "$venv/bin/heard" --help >/dev/null) && echo "heard --help: ok"
  export HEARD_DATA_DIR="$work/data-$version"
  (cd "$work" && "$venv/bin/heard" migrate | tail -1)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$work" && exec "$venv/bin/heard" serve --workers 1 --port "$port" >"$work/serve-$version.log" 2>&1) &
  server=$!
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
  echo "readyz: $(curl -s "http://127.0.0.1:$port/readyz")"
  echo "a Welsh page: $(curl -s "http://127.0.0.1:$port/staff/sign-in?lang=cy" | grep -o '<title>[^<]*</title>')"
  echo "htmx: $(curl -s "http://127.0.0.1:$port/static/htmx.min.js" | head -c 40)"
  echo "embedded PostgreSQL: $("$venv/bin/python" -W ignore -c 'from service.db import embedded; print(embedded.package().__name__)')"
  kill "$server"; wait "$server" 2>/dev/null || true
  # The embedded server outlives a `heard serve` whose workers were stopped (they leave without running the
  # package's exit handler): stop it before its folder goes.
  if [ -z "${DATABASE_URL:-}" ] && [ -f "$HEARD_DATA_DIR/postgres/postmaster.pid" ]; then
    kill "$(head -1 "$HEARD_DATA_DIR/postgres/postmaster.pid")" 2>/dev/null || true
    sleep 2
  fi
done
