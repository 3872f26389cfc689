#!/usr/bin/env bash
# Set everything up and serve the app on http://127.0.0.1:5000 with the embedded default:
# SQLite and photos under instance/, demo data loaded on first start, nothing else to start.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export FLASK_APP=wanted
.venv/bin/flask db upgrade
.venv/bin/flask demo seed --if-empty
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
