#!/usr/bin/env bash
# Create .venv, install every dependency, and compile the translations. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # dlib comes as a prebuilt wheel (dlib-bin); face_recognition itself is installed without
  # its declared dependency on source-built dlib.
  .venv/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt
  .venv/bin/python -m pip install --quiet --no-deps "face_recognition==1.3.0"
  echo "$want" > "$stamp"
fi
.venv/bin/pybabel compile -d wanted/translations --statistics 2>&1 | grep -v "^$" || true
