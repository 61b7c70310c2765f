#!/usr/bin/env bash
# One command to test Heard: install what the tests need, then run them all
# against a real PostgreSQL (embedded unless DATABASE_URL is set) and a real
# Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh --test
exec .venv/bin/python -m pytest "$@"
