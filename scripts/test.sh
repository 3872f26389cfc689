#!/usr/bin/env bash
# Set everything up and run the whole suite, on SQLite and on PostgreSQL, browser tests included.
# Needs the PostgreSQL (127.0.0.1:5432, database "test") and Redis (127.0.0.1:6379) of the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Debian's chromium is missing: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
