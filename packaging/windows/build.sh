#!/usr/bin/env bash
# Cross-compiles powerwatch for Windows amd64 with mingw-w64 (cgo for the GL
# driver) into dist/powerwatch-<version>-windows-amd64.exe, with the icon, the
# version resource and a manifest from app/FyneApp.toml.
#
# The resources go in as a .syso object made by mingw's windres, put into app/
# for the build only (go build links a package's .syso files; -overlay cannot
# add one). Its _windows_amd64 suffix keeps it out of every other build, and
# .gitignore out of commits. The Go build cache stays valid and the flags are
# ours: fyne package would compile the GL C code a second time with its own.
# Signs the exe when SIGN_CERT and SIGN_KEY are set (packaging/sign.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/meta.sh

GO=${GO:-go}
CC=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}
obj=dist/obj/windows
out=dist/$APP_NAME-$APP_VERSION-windows-amd64.exe
mkdir -p "$obj"
command -v "$CC" >/dev/null || { echo "build.sh: $CC missing: run packaging/deps.sh windows" >&2; exit 1; }

# A VERSIONINFO needs four numbers: x.y.z.build.
IFS=. read -r major minor patch <<<"$APP_VERSION"
commas="$major,$minor,$patch,$APP_BUILD"
cp packaging/icons/powerwatch.ico packaging/windows/powerwatch.manifest "$obj/"
cat >"$obj/powerwatch.rc" <<RC
#pragma code_page(65001)
1 ICON "powerwatch.ico"
1 24 "powerwatch.manifest"
1 VERSIONINFO
FILEVERSION $commas
PRODUCTVERSION $commas
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404B0"
    BEGIN
      VALUE "CompanyName", "powerwatch"
      VALUE "FileDescription", "powerwatch 排污单位用电监控"
      VALUE "FileVersion", "$APP_VERSION.$APP_BUILD"
      VALUE "InternalName", "$APP_NAME"
      VALUE "OriginalFilename", "$APP_NAME.exe"
      VALUE "ProductName", "$APP_NAME"
      VALUE "ProductVersion", "$VERSION"
      VALUE "LegalCopyright", "powerwatch"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0804, 1200
  END
END
RC
(cd "$obj" && "$WINDRES" --target=pe-x86-64 -c 65001 -O coff -i powerwatch.rc -o rsrc_windows_amd64.syso)
syso=app/zz_powerwatch_rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
cp "$obj/rsrc_windows_amd64.syso" "$syso"

# Built in obj/ and copied: go build leaves an up-to-date output alone, and a
# signed file in dist/ must not be taken for one (nor signed twice).
CGO_ENABLED=1 CC="$CC" GOOS=windows GOARCH=amd64 \
	"$GO" build -trimpath \
	-ldflags "-s -w -H windowsgui -X main.version=$VERSION" -o "$obj/$APP_NAME.exe" ./app
rm -f "$syso"
cp "$obj/$APP_NAME.exe" "$out"
if [ -n "${SIGN_CERT:-}" ]; then
	packaging/sign.sh "$out"
fi
echo "$out"
