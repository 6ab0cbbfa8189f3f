#!/usr/bin/env bash
# Installs the Debian packages a build needs, only those that are missing, so a
# repeated run costs a second. Usage: packaging/deps.sh [build|test|screenshot|windows|wine]...
# windows: mingw-w64 (cgo cross-compiler), makensis, osslsigncode, openssl (test
# certificate), and file and 7z to look inside the results in packaging/test.sh.
# wine: Wine 8.0 (64-bit only) and an X server to run the installer and the app
# in packaging/wine-test.sh.
set -euo pipefail

want=(gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
for extra in "$@"; do
	case "$extra" in
	build) ;;
	test) want+=(poppler-utils) ;; # pdftotext/pdfimages: the tests read the PDFs they make
	screenshot) want+=(xvfb x11-apps imagemagick xauth) ;;
	windows) want+=(gcc-mingw-w64-x86-64 nsis osslsigncode p7zip-full openssl file) ;;
	wine) want+=(wine64 libgl1-mesa-dri xvfb x11-utils xauth imagemagick) ;;
	*) echo "deps.sh: unknown set $extra" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
	command -v sudo >/dev/null || { echo "deps.sh: missing ${missing[*]}; run as root or install them" >&2; exit 1; }
else
	SUDO=
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
