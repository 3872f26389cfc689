#!/usr/bin/env bash
# Copy the front-end packages the templates use into static/vendor/.
# Police networks are closed, so pages never load from a CDN; the copied files are committed
# and an installation needs neither npm nor network. Run again after changing package.json.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$repo/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$repo/package.json" "$work/"
if [ -f "$repo/package-lock.json" ]; then cp "$repo/package-lock.json" "$work/"; fi
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
cp "$work/package-lock.json" "$repo/package-lock.json"

modules="$work/node_modules"
rm -rf "$vendor/bootstrap" "$vendor/bootstrap-icons" "$vendor/chart.js"
mkdir -p "$vendor/bootstrap" "$vendor/bootstrap-icons/fonts" "$vendor/chart.js"

cp "$modules/bootstrap/dist/css/bootstrap.min.css" "$vendor/bootstrap/"
cp "$modules/bootstrap/dist/js/bootstrap.bundle.min.js" "$vendor/bootstrap/"
cp "$modules/bootstrap/LICENSE" "$vendor/bootstrap/LICENSE"

cp "$modules/bootstrap-icons/font/bootstrap-icons.min.css" "$vendor/bootstrap-icons/"
cp "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
   "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$vendor/bootstrap-icons/fonts/"
cp "$modules/bootstrap-icons/LICENSE" "$vendor/bootstrap-icons/LICENSE"

cp "$modules/chart.js/dist/chart.umd.min.js" "$vendor/chart.js/"
cp "$modules/chart.js/LICENSE.md" "$vendor/chart.js/LICENSE.md"

for pkg in bootstrap bootstrap-icons chart.js; do
  node -p "require('$modules/$pkg/package.json').version" > "$vendor/$pkg/VERSION"
done
echo "Vendored into $vendor:"
(cd "$vendor" && find . -type f | sort)
