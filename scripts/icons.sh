#!/usr/bin/env bash
# Renders assets/icon.png (512x512) at the other sizes desktops look for in
# the hicolor icon theme, into assets/icons/N.png. Run it after changing the
# icon, and commit the result (make package copies them; it needs no
# ImageMagick). Needs ImageMagick's convert (scripts/deps.sh screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
for s in 16 22 24 32 48 64 128 256; do
	convert assets/icon.png -filter Lanczos -resize "${s}x${s}" -strip "PNG32:assets/icons/$s.png"
done
echo "icons: assets/icons/{16,22,24,32,48,64,128,256}.png"
