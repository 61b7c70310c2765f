#!/usr/bin/env bash
# Nothing lost, nothing doubled: bash infra/reliability/run.sh [steady|pg-restart|two-instances|all] [--seconds 30]
# 127.0.0.1 only; each scenario about 45 s with the defaults; at most 15 minutes in all.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  apt-get install -y -q nginx-light >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q nginx-light >/dev/null; }
fi
[ -x .venv/bin/heard ] || bash infra/setup.sh
exec timeout 900 .venv/bin/python infra/reliability/reliability.py "$@"
