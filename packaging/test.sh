#!/usr/bin/env bash
# Packaging test (`make test-packaging`): builds the Windows exe, the installer
# and the Linux tarball through the make targets, signs the Windows files with
# a fresh self-signed certificate, and checks what came out:
#   - exe and installer are PE32+ x86-64 GUI programs, the exe carries the
#     version resource and the icon;
#   - `osslsigncode verify` reports a valid signature by our test certificate
#     on both, and rejects a copy with one byte changed;
#   - the installer holds powerwatch.exe (the signed one) and an uninstaller;
#   - the NSIS script adds and removes the firewall rule for the listener port
#     and keeps the data unless asked;
#   - the tarball holds the binary, .desktop file, icons and install note, and
#     the binary prints its version.
# Prints the time each build took.
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/meta.sh
MAKE=${MAKE:-make}

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

packaging/deps.sh windows
packaging/testcert.sh "$tmp/cert" >/dev/null
cert=$tmp/cert/cert.pem
key=$tmp/cert/key.pem

exe=dist/$APP_NAME-$APP_VERSION-windows-amd64.exe
setup=dist/$APP_NAME-$APP_VERSION-setup.exe
tarball=dist/$APP_NAME-$APP_VERSION-linux-amd64.tar.gz
rm -f "$exe" "$setup" "$tarball"

timed() { # label command... : runs it and prints its wall time
	local label=$1 start=$SECONDS
	shift
	"$@"
	echo "time: $label $((SECONDS - start)) s"
}
timed "windows exe and installer" $MAKE --no-print-directory windows VERSION="$VERSION" SIGN_CERT="$cert" SIGN_KEY="$key"
timed "linux tarball" $MAKE --no-print-directory linux VERSION="$VERSION"

# --- the Windows files ---
for f in "$exe" "$setup"; do
	desc=$(file -b "$f")
	case "$desc" in
	"PE32+ executable (GUI) x86-64"*) ok "$f is $desc" ;;
	*) fail "$f is not a PE32+ x86-64 GUI program: $desc" ;;
	esac
done

# The version resource: UTF-16 strings, key then value.
strings -el "$exe" >"$tmp/strings16"
fv=$(grep -A1 -xF "FileVersion" "$tmp/strings16" || true)
pv=$(grep -A1 -xF "ProductVersion" "$tmp/strings16" || true)
if grep -qxF "$APP_VERSION.$APP_BUILD" <<<"$fv" && grep -qxF "$VERSION" <<<"$pv"; then
	ok "exe has a version resource: FileVersion $APP_VERSION.$APP_BUILD, ProductVersion $VERSION"
else
	fail "exe has no version resource with FileVersion $APP_VERSION.$APP_BUILD and ProductVersion $VERSION"
fi
if x86_64-w64-mingw32-objdump -h "$exe" | grep -q '\.rsrc'; then
	ok "exe has a resource section (icon, manifest, version)"
else
	fail "exe has no .rsrc section"
fi

verify() { osslsigncode verify -CAfile "$cert" -in "$1" 2>&1; }
for f in "$exe" "$setup"; do
	out=$(verify "$f" || true)
	if grep -q '^Signature verification: ok' <<<"$out" && grep -q 'Subject: /CN=powerwatch test signing' <<<"$out"; then
		ok "$f: osslsigncode verify: signature ok, signer powerwatch test signing"
	else
		fail "$f: osslsigncode verify did not report our signature:"$'\n'"$out"
	fi
done
# A check that can fail: one changed byte in the signed code must be caught.
cp "$exe" "$tmp/tampered.exe"
printf 'X' | dd of="$tmp/tampered.exe" bs=1 seek=4096 conv=notrunc status=none
if verify "$tmp/tampered.exe" >/dev/null; then
	fail "osslsigncode verify accepts a tampered exe"
else
	ok "a tampered exe fails verification"
fi

listing=$(7z l -ba "$setup" 2>&1 || true)
if grep -qE '(^|[[:space:]])powerwatch\.exe$' <<<"$listing" && grep -qE '(^|[[:space:]])uninstall\.exe$' <<<"$listing"; then
	ok "installer holds powerwatch.exe and uninstall.exe"
else
	fail "installer listing lacks powerwatch.exe or uninstall.exe:"$'\n'"$listing"
fi
mkdir "$tmp/x"
7z e -y -o"$tmp/x" "$setup" powerwatch.exe >/dev/null
if cmp -s "$tmp/x/powerwatch.exe" "$exe"; then
	ok "the exe inside the installer is the signed exe"
else
	fail "the exe inside the installer differs from $exe"
fi

nsi=packaging/windows/installer.nsi
port=$(sed -n 's/^[[:space:]]*"listen"[[:space:]]*:[[:space:]]*"[^"]*:\([0-9]*\)".*/\1/p' app/service/config_default.json)
checks=(
	'netsh.exe" advfirewall firewall add rule name="${FW_RULE}" dir=in action=allow protocol=TCP localport=${PORT}|adds the firewall rule'
	'advfirewall firewall delete rule name="$0"|uninstaller removes the firewall rule'
	'!define FW_RULE "powerwatch HJ 212 (TCP ${PORT})"|names the rule by port'
	'Target amd64-unicode|is a 64-bit installer'
	'!define MULTIUSER_EXECUTIONLEVEL Highest|offers per-user and per-machine install'
	'Section /o "un.|keeps the data unless asked (delete-data section off by default)'
	'RMDir /r "$APPDATA\${APP_NAME}"|deletes %AppData%\powerwatch only in that section'
	'WriteRegStr SHCTX "${RUN_KEY}"|writes the autostart Run value'
)
for c in "${checks[@]}"; do
	if grep -qF -- "${c%%|*}" "$nsi"; then ok "installer script ${c#*|}"; else fail "installer script: ${c#*|}: missing ${c%%|*}"; fi
done
if [ "$(grep -c 'RMDir /r' "$nsi")" -eq 2 ] && ! grep -q 'RMDir /r "$INSTDIR' "$nsi"; then
	ok "installer script removes folders recursively only in the delete-data section"
else
	fail "installer script has an unexpected RMDir /r"
fi
[ "$port" = 9212 ] && ok "listener port from app/service/config_default.json: $port" || fail "listener port is \"$port\", want 9212"

# --- the Linux tarball ---
want=(
	"$APP_NAME-$APP_VERSION-linux-amd64/INSTALL.txt"
	"$APP_NAME-$APP_VERSION-linux-amd64/icons/256x256/powerwatch.png"
	"$APP_NAME-$APP_VERSION-linux-amd64/icons/48x48/powerwatch.png"
	"$APP_NAME-$APP_VERSION-linux-amd64/powerwatch"
	"$APP_NAME-$APP_VERSION-linux-amd64/powerwatch.desktop"
)
have=$(tar -tzf "$tarball")
for w in "${want[@]}"; do
	grep -qxF "$w" <<<"$have" && ok "tarball has $w" || fail "tarball lacks $w"
done
tar -xzf "$tarball" -C "$tmp"
bin=$tmp/$APP_NAME-$APP_VERSION-linux-amd64/powerwatch
case "$(file -b "$bin")" in
"ELF 64-bit LSB"*x86-64*) ok "linux binary is ELF x86-64" ;;
*) fail "linux binary: $(file -b "$bin")" ;;
esac
[ -x "$bin" ] || fail "linux binary is not executable"
got=$("$bin" version 2>/dev/null || true) # stderr: Fyne warns about the C locale
[ "$got" = "powerwatch $VERSION" ] && ok "linux binary prints \"$got\"" || fail "linux binary version: got \"$got\", want \"powerwatch $VERSION\""
desktop=$tmp/$APP_NAME-$APP_VERSION-linux-amd64/powerwatch.desktop
for line in 'Exec=powerwatch' 'Icon=powerwatch' 'Type=Application'; do
	grep -qxF "$line" "$desktop" || fail ".desktop lacks $line"
done

if [ "$fails" -gt 0 ]; then
	echo "packaging test: $fails failure(s)" >&2
	exit 1
fi
echo "packaging test: all checks passed"
