#!/usr/bin/env bash
# Signs Windows executables in place with osslsigncode (Authenticode, SHA-256).
# Usage: SIGN_CERT=cert.pem SIGN_KEY=key.pem packaging/sign.sh FILE...
#   SIGN_CERT  certificate: PEM/DER (with SIGN_KEY) or a .pfx/.p12 bundle
#   SIGN_KEY   private key (PEM/DER); not needed with a .pfx
#   SIGN_PASS  password of the key or .pfx, if any (read from a private file,
#              not put on the command line)
#   SIGN_TIMESTAMP  an RFC 3161 timestamp URL (optional: the signature then
#              outlives the certificate; none is reachable from the build box)
# packaging/testcert.sh makes a self-signed test certificate.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: SIGN_CERT=… SIGN_KEY=… $0 FILE..." >&2; exit 2; }
: "${SIGN_CERT:?sign.sh: set SIGN_CERT (and SIGN_KEY)}"
[ -r "$SIGN_CERT" ] || { echo "sign.sh: certificate $SIGN_CERT not readable" >&2; exit 1; }
command -v osslsigncode >/dev/null || { echo "sign.sh: osslsigncode missing: run packaging/deps.sh windows" >&2; exit 1; }

case "$SIGN_CERT" in
*.pfx | *.p12) cred=(-pkcs12 "$SIGN_CERT") ;;
*)
	: "${SIGN_KEY:?sign.sh: set SIGN_KEY to the private key of $SIGN_CERT}"
	[ -r "$SIGN_KEY" ] || { echo "sign.sh: key $SIGN_KEY not readable" >&2; exit 1; }
	cred=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
	;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${SIGN_PASS:-}" ]; then
	(umask 077 && printf '%s' "$SIGN_PASS" >"$tmp/pass")
	cred+=(-readpass "$tmp/pass")
fi
if [ -n "${SIGN_TIMESTAMP:-}" ]; then
	cred+=(-ts "$SIGN_TIMESTAMP")
fi
for f in "$@"; do
	osslsigncode sign "${cred[@]}" -h sha256 -n "powerwatch" -i "https://github.com/powerwatch" \
		-in "$f" -out "$tmp/signed" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; echo "sign.sh: signing $f failed" >&2; exit 1; }
	# Keep the file's inode: makensis's !uninstfinalize reads back the path it gave.
	cat "$tmp/signed" >"$f"
	echo "signed $f"
done
