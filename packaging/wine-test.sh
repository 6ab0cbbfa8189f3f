#!/usr/bin/env bash
# Runs the Windows installer and the installed app for real under Wine (Debian
# wine64 8.0) in a fresh prefix, on an Xvfb display:
#   1. setup.exe /S installs: exe, uninstaller, Start-menu and desktop
#      shortcuts, the uninstall and settings registry keys;
#   2. the installed powerwatch.exe prints its version, and `powerwatch demo`
#      shows its main window (title found by xwininfo -root -tree) which stays
#      up for 20 s; a screenshot goes to docs/screenshots/windows.png;
#   3. setup.exe /S again (upgrade) keeps a file in %AppData%\powerwatch;
#   4. uninstall.exe /S removes the program and keeps the data;
#      uninstall.exe /S /DELETEDATA after a reinstall deletes it;
#   5. setup.exe /S /CurrentUser installs per user (HKCU, %LocalAppData%\Programs)
#      and its uninstaller removes it.
# Go 1.26's runtime needs bcryptprimitives.dll (ProcessPrng), which Wine 8.0
# lacks: a stub built from packaging/wine/bcryptprimitives.c goes into the
# prefix's system32 (docs: ../shared/docs/build.md).
# Usage: packaging/wine-test.sh (after make windows); `make test-wine`.
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/meta.sh

setup=$PWD/dist/$APP_NAME-$APP_VERSION-setup.exe
[ -f "$setup" ] || { echo "wine-test.sh: $setup missing: run make windows first" >&2; exit 1; }
packaging/deps.sh windows wine
W=/usr/lib/wine/wine64

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
tmp=$(mktemp -d)
export WINEPREFIX=$tmp/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" HOME=$tmp/home
mkdir -p "$HOME"
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() {
	"${W%/*}/wineserver64" -k 2>/dev/null || true
	kill "$xvfb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
export DISPLAY=$display

timeout 300 "$W" wineboot --init >/dev/null 2>&1
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	packaging/wine/bcryptprimitives.c -ladvapi32
c=$WINEPREFIX/drive_c
inst="$c/Program Files/powerwatch"
data=$c/users/$(id -un)/AppData/Roaming/powerwatch

run_setup() { timeout 300 "$W" "$setup" /S; "${W%/*}/wineserver64" -w; }
uninstall() { timeout 300 "$W" "$inst/uninstall.exe" /S "$@"; "${W%/*}/wineserver64" -w; }

# 1. install
run_setup
for f in "$inst/powerwatch.exe" "$inst/uninstall.exe" \
	"$c/ProgramData/Microsoft/Windows/Start Menu/Programs/powerwatch.lnk" "$c/users/Public/Desktop/powerwatch.lnk"; do
	[ -f "$f" ] && ok "installed ${f#$c/}" || fail "not installed: ${f#$c/}"
done
"$W" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\powerwatch' >"$tmp/uninst.txt" 2>&1 || true
grep -q 'UninstallString.*uninstall.exe' "$tmp/uninst.txt" && ok "Add/Remove Programs entry" || fail "no uninstall registry entry"

# 2. the installed app
got=$(timeout 120 "$W" "$inst/powerwatch.exe" version 2>/dev/null | tr -d '\r' || true)
[ "$got" = "powerwatch $VERSION" ] && ok "installed exe prints \"$got\"" || fail "installed exe version: \"$got\", want \"powerwatch $VERSION\""
title="powerwatch · 排污单位用电监控"
"$W" "$inst/powerwatch.exe" demo --district 10 >"$tmp/demo.log" 2>&1 &
app=$!
seen=0
for _ in $(seq 1 120); do
	if xwininfo -root -tree 2>/dev/null | grep -qF "$title"; then seen=1; break; fi
	kill -0 "$app" 2>/dev/null || break
	sleep 1
done
if [ "$seen" = 1 ]; then
	sleep 20
	if kill -0 "$app" 2>/dev/null && xwininfo -root -tree | grep -qF "$title"; then
		ok "main window \"$title\" appeared and stayed up 20 s"
		mkdir -p docs/screenshots
		/usr/bin/import -display "$display" -window root docs/screenshots/windows.png && ok "screenshot docs/screenshots/windows.png"
	else
		fail "main window went away within 20 s"
	fi
else
	fail "main window \"$title\" did not appear in 120 s:"$'\n'"$(tail -20 "$tmp/demo.log")"
fi
kill "$app" 2>/dev/null || true
"${W%/*}/wineserver64" -k 2>/dev/null || true
"${W%/*}/wineserver64" -w 2>/dev/null || true

# 3. upgrade keeps the data
mkdir -p "$data"
echo keep >"$data/marker.txt"
run_setup
[ -f "$data/marker.txt" ] && ok "upgrade keeps %AppData%\\powerwatch" || fail "upgrade lost %AppData%\\powerwatch"
[ -f "$inst/powerwatch.exe" ] && ok "upgrade leaves the exe in place" || fail "exe missing after upgrade"

# 4. uninstall keeps the data unless asked
uninstall
[ ! -e "$inst/powerwatch.exe" ] && ok "uninstall removes the exe" || fail "exe still there after uninstall"
[ ! -e "$c/users/Public/Desktop/powerwatch.lnk" ] && ok "uninstall removes the desktop shortcut" || fail "desktop shortcut left"
[ -f "$data/marker.txt" ] && ok "uninstall keeps the data" || fail "uninstall deleted the data without being asked"
run_setup
uninstall /DELETEDATA
[ ! -e "$data" ] && ok "uninstall /DELETEDATA deletes the data" || fail "uninstall /DELETEDATA left $data"

# 5. per-user install: no Program Files, no HKLM
timeout 300 "$W" "$setup" /S /CurrentUser
"${W%/*}/wineserver64" -w
user_inst=$c/users/$(id -un)/AppData/Local/Programs/powerwatch
[ -f "$user_inst/powerwatch.exe" ] && ok "/CurrentUser installs into %LocalAppData%\Programs\powerwatch" || fail "/CurrentUser: no $user_inst/powerwatch.exe"
[ ! -e "$inst/powerwatch.exe" ] && ok "/CurrentUser leaves Program Files alone" || fail "/CurrentUser wrote into Program Files"
"$W" reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\powerwatch' >"$tmp/uninst_cu.txt" 2>&1 || true
grep -q 'CurrentUser' "$tmp/uninst_cu.txt" && ok "per-user Add/Remove Programs entry (HKCU)" || fail "no per-user uninstall entry in HKCU"
timeout 300 "$W" "$user_inst/uninstall.exe" /S /CurrentUser
"${W%/*}/wineserver64" -w
[ ! -e "$user_inst/powerwatch.exe" ] && ok "per-user uninstall removes the exe" || fail "per-user uninstall left the exe"

if [ "$fails" -gt 0 ]; then
	echo "wine test: $fails failure(s)" >&2
	exit 1
fi
echo "wine test: all checks passed"
