#!/usr/bin/env bash
# Extract every user-facing string and merge it into the Vietnamese and English catalogues.
# Fill the new entries of wanted/translations/*/LC_MESSAGES/messages.po, then run setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
  --no-location --sort-output -o wanted/translations/messages.pot . >/dev/null
for lang in vi en; do
  po=wanted/translations/$lang/LC_MESSAGES/messages.po
  if [ -f "$po" ]; then
    .venv/bin/pybabel -q update -i wanted/translations/messages.pot -d wanted/translations -l "$lang" \
      --no-fuzzy-matching --ignore-obsolete >/dev/null
  else
    .venv/bin/pybabel -q init -i wanted/translations/messages.pot -d wanted/translations -l "$lang" >/dev/null
  fi
done
echo "Catalogues updated: wanted/translations/{vi,en}/LC_MESSAGES/messages.po"
