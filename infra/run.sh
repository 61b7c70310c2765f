#!/usr/bin/env bash
# One command to try Heard: install, start an embedded PostgreSQL, load demo
# data and serve on http://127.0.0.1:8000/ (HEARD_PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh
.venv/bin/heard demo
exec .venv/bin/heard serve
