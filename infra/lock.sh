#!/usr/bin/env bash
# Regenerates the Python locks in requirements/ from pyproject.toml, with hashes, for Python 3.11-3.13:
#   runtime.lock   what production and the container install (pyproject's dependencies)
#   embedded.lock  runtime + the embedded PostgreSQL (heard[embedded]): what `bash infra/run.sh` installs
#   test.lock      embedded + the test and dev tools: what `bash infra/setup.sh --test` installs
# Each pin stays where it is unless pyproject.toml asks for another version: the current test lock is the
# starting point. To move every package to its newest version: bash infra/lock.sh --upgrade
# Needs uv (in the test venv after `bash infra/setup.sh --test`, or `pip install uv==0.13.9`).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
[ -x "$uv" ] || uv=uv
keep=()
if [ "${1:-}" != "--upgrade" ] && [ -f requirements/test.lock ]; then
  grep -E '^[A-Za-z0-9._-]+==' requirements/test.lock | sed 's/ .*//' > requirements/.pins
  keep=(--constraint requirements/.pins)
fi
compile() {
  local out=$1; shift
  "$uv" pip compile pyproject.toml "$@" "${keep[@]}" --universal --python-version 3.11 --generate-hashes \
    --no-strip-markers --quiet --custom-compile-command "bash infra/lock.sh" --output-file "requirements/$out"
}
compile runtime.lock
compile embedded.lock --extra embedded
compile test.lock --extra embedded --extra test --extra dev
rm -f requirements/.pins
