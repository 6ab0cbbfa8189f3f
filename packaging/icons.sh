#!/usr/bin/env bash
# Regenerates packaging/icons/ (PNG at the sizes desktops and Windows ask for,
# and the multi-size powerwatch.ico for the exe and installer) from
# assets/icon.png. The results are committed, so a build needs no ImageMagick;
# run this after the icon changes. Needs Debian's imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
# /usr/bin/convert: another `convert` may come first on PATH.
convert=/usr/bin/convert
[ -x "$convert" ] || { echo "icons.sh: needs Debian's imagemagick (/usr/bin/convert)" >&2; exit 1; }
out=packaging/icons
mkdir -p "$out"
for s in 16 24 32 48 64 128 256; do
	"$convert" assets/icon.png -resize "${s}x${s}" -strip "PNG32:$out/powerwatch-$s.png"
done
"$convert" $(for s in 16 24 32 48 64 128 256; do echo "$out/powerwatch-$s.png"; done) -strip "$out/powerwatch.ico"
ls -l "$out"
