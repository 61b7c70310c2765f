#!/usr/bin/env bash
# Phone-sized screenshots of every respondent page (welcome, who is answering,
# each audience's form, problems, thank you, help) in English and Arabic
# (right to left), into screenshots/ (git-ignored); then each demo role's main
# staff pages (practitioner, team manager, safeguarding lead, administrator)
# at 1280x800 and 360x640, into screenshots/staff/<role>/:
#
#   bash infra/screenshots.sh                 # respondent pages at 360x640, and staff pages
#   bash infra/screenshots.sh --width 320     # other options: --height, --out DIR
#   bash infra/screenshots.sh --only staff    # or --only respondent
#
# Needs what the tests need (bash infra/setup.sh --test): Debian's chromium.
# Uses a throw-away embedded PostgreSQL; your .heard/ data is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python infra/screenshots.py "$@"
