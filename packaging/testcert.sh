#!/usr/bin/env bash
# Makes a self-signed code-signing certificate for tests and trial builds:
#   packaging/testcert.sh DIR  →  DIR/cert.pem, DIR/key.pem, DIR/cert.pfx (no password)
# Then: make windows installer SIGN_CERT=DIR/cert.pem SIGN_KEY=DIR/key.pem
# Windows shows such a signature as "unknown publisher"; releases need a
# certificate from a CA that Windows trusts (same make variables).
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes \
	-keyout "$dir/key.pem" -out "$dir/cert.pem" \
	-subj "/CN=powerwatch test signing/O=powerwatch (test)/C=CN" \
	-addext "keyUsage=critical,digitalSignature" \
	-addext "extendedKeyUsage=codeSigning" \
	-addext "basicConstraints=critical,CA:false" 2>/dev/null
openssl pkcs12 -export -in "$dir/cert.pem" -inkey "$dir/key.pem" -out "$dir/cert.pfx" -passout pass: 2>/dev/null
chmod 600 "$dir/key.pem" "$dir/cert.pfx"
echo "$dir/cert.pem $dir/key.pem $dir/cert.pfx"
