#!/bin/sh
# subset.sh rebuilds wqy-microhei.ttf: the first face of Debian's
# wqy-microhei.ttc (a TTC crashes Fyne; go-chart reads only TTF), subset to
# GB2312 + ASCII + Latin-1 + common punctuation so the binary stays small.
# Needs: apt-get install fonts-wqy-microhei fonttools
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" <<'PY'
import sys
from fontTools.ttLib import TTCollection
tmp = sys.argv[1]
TTCollection('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc').fonts[0].save(tmp + '/face0.ttf')
chars = set(range(0x20, 0x7f)) | set(range(0xa0, 0x100))
for b1 in range(0xa1, 0xf8):
    for b2 in range(0xa1, 0xff):
        try:
            chars.add(ord(bytes([b1, b2]).decode('gb2312')))
        except UnicodeDecodeError:
            pass
for lo, hi in ((0x2000, 0x206f), (0x2190, 0x21ff), (0x3000, 0x303f), (0xff00, 0xffef)):
    chars |= set(range(lo, hi))
chars |= {0x2103, 0x2116, 0x25b2, 0x25bc, 0x25cf, 0x25cb, 0x2713, 0x2715, 0x2022}
open(tmp + '/unicodes.txt', 'w').write(','.join('U+%04X' % c for c in sorted(chars)))
PY
pyftsubset "$tmp/face0.ttf" --unicodes-file="$tmp/unicodes.txt" --output-file=wqy-microhei.ttf \
	--layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline
ls -l wqy-microhei.ttf
