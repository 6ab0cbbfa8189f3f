#!/usr/bin/env bash
# Builds dist/powerwatch-<version>-setup.exe with Debian's makensis from
# packaging/windows/installer.nsi around the exe that build.sh made (it does
# not build the exe: `make installer` depends on `make windows`). The
# listener port for the firewall rule is read from app/service/config_default.json.
# Signs the installer (and, inside it, the uninstaller) when SIGN_CERT and
# SIGN_KEY are set.
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/meta.sh

exe=dist/$APP_NAME-$APP_VERSION-windows-amd64.exe
out=dist/$APP_NAME-$APP_VERSION-setup.exe
[ -f "$exe" ] || { echo "installer.sh: $exe missing: run make windows first" >&2; exit 1; }
command -v makensis >/dev/null || { echo "installer.sh: makensis missing: run packaging/deps.sh windows" >&2; exit 1; }
listen=$(sed -n 's/^[[:space:]]*"listen"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' app/service/config_default.json | head -n1)
port=${listen##*:}
[[ "$port" =~ ^[0-9]+$ ]] || { echo "installer.sh: no listen port in app/service/config_default.json (got \"$listen\")" >&2; exit 1; }

defs=(-DAPP_VERSION="$APP_VERSION" -DAPP_BUILD="$APP_BUILD" -DDISPLAY_VERSION="$VERSION" -DPORT="$port"
	-DEXE="$PWD/$exe" -DOUTFILE="$PWD/$out" -DICON="$PWD/packaging/icons/powerwatch.ico")
if [ -n "${SIGN_CERT:-}" ]; then
	defs+=(-DSIGN_CMD="$PWD/packaging/sign.sh")
fi
# -INPUTCHARSET: the script holds Chinese text.
makensis -V2 -INPUTCHARSET UTF8 "${defs[@]}" packaging/windows/installer.nsi
if [ -n "${SIGN_CERT:-}" ]; then
	packaging/sign.sh "$out"
fi
echo "$out"
