#!/usr/bin/env bash
# Builds dist/powerwatch-<version>-linux-amd64.tar.gz: the release binary, the
# .desktop file, the icon at the usual sizes and INSTALL.txt. The archive is
# reproducible: sorted names, root owner, mtime of the last commit, gzip -n.
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/meta.sh

GO=${GO:-go}
name=$APP_NAME-$APP_VERSION-linux-amd64
stage=dist/obj/linux/$name
out=dist/$name.tar.gz
rm -rf "$stage"
mkdir -p "$stage/icons"
# The same -trimpath as `make build`, so only the link step is new.
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 \
	"$GO" build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$stage/$APP_NAME" ./app
install -m644 packaging/linux/powerwatch.desktop packaging/linux/INSTALL.txt "$stage/"
for s in 16 24 32 48 64 128 256; do
	install -Dm644 "packaging/icons/powerwatch-$s.png" "$stage/icons/${s}x${s}/powerwatch.png"
done
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
	-C "$(dirname "$stage")" -cf - "$name" | gzip -n -9 >"$out"
echo "$out"
