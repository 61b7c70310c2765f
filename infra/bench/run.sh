#!/usr/bin/env bash
# Benchmark Heard against a bare Litestar app on this machine (127.0.0.1 only,
# about 9 minutes, at most 12). Extra arguments go to infra/bench/bench.py,
# e.g. `bash infra/bench/run.sh --duration 10`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
  apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi
[ -x .venv/bin/heard ] || bash infra/setup.sh
exec timeout 720 .venv/bin/python infra/bench/bench.py "$@"
