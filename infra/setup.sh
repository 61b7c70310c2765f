#!/usr/bin/env bash
# Installs everything Heard needs into ./.venv and ./node_modules, and builds
# the translation catalogs. `infra/setup.sh --test` also installs what the test
# suite needs, including Debian's Chromium for the browser tests.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

if [ "$want_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium (Debian package) for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# Printable PDFs (WeasyPrint) need Pango, and cards in every script need fonts
# that cover them (Noto: Arabic, Bengali, Ethiopic, ...).
if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -qi "Noto Sans Ethiopic"; then
  echo "==> Installing Pango and Noto fonts (Debian packages) for printable PDFs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core >/dev/null
fi

if [ "$want_tests" = 1 ] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "==> Installing nginx (Debian package) for the test of infra/nginx (nginx -t)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq nginx-light >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  python3 -m venv .venv
fi
# Pinned with hashes (requirements/, made by infra/lock.sh): Heard and its embedded PostgreSQL, plus the
# test and dev tools with --test. Production installs requirements/runtime.lock only (README: "Deploying").
lock=requirements/embedded.lock
[ "$want_tests" = 1 ] && lock=requirements/test.lock
echo "==> Installing Python packages (pinned in $lock)"
.venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -e .

echo "==> Installing front-end packages (pinned in package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

echo "==> Compiling translation catalogs"
.venv/bin/heard i18n compile
