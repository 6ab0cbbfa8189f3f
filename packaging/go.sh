#!/usr/bin/env bash
# Makes the Go toolchain pinned in go.mod's toolchain line available, so
# `make run` and `make test` work on a fresh Debian 12 (which ships Go 1.19,
# too old for this module, or no Go at all).
#
# A go on PATH of the pinned version or newer is used as it is. Otherwise the
# pinned toolchain is installed into .toolchain/ of the checkout (no root
# needed, nothing outside the checkout changes; the Makefile puts
# .toolchain/go/bin first on PATH). It is fetched as the Go module
# golang.org/toolchain by `go mod download` of whatever go there is, so it
# comes from the module proxy that go is set up for and is checked against the
# checksum database like any module; with no go at all, Debian's golang-go is
# installed first to do the download (as root or with sudo).
#
# Usage: packaging/go.sh       (from the checkout's top folder)
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed -n 's/^toolchain go\([0-9.]*\)$/\1/p' go.mod)
[ -n "$want" ] || { echo "go.sh: go.mod has no 'toolchain goX.Y.Z' line" >&2; exit 2; }
dest=$PWD/.toolchain/go

# newer_or_same A B: version A ≥ version B (both like 1.26.8).
newer_or_same() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]; }

if command -v go >/dev/null; then
	have=$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')
	have=${have#go}
	have=${have%% *}
	if newer_or_same "$have" "$want"; then
		exit 0
	fi
fi
if [ -x "$dest/bin/go" ] && [ "$("$dest/bin/go" env GOVERSION)" = "go$want" ]; then
	exit 0
fi

case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) echo "go.sh: no Go toolchain is published for $(uname -m); install Go $want by hand" >&2; exit 1 ;;
esac

if ! command -v go >/dev/null; then
	# A bootstrap go only for the download: Debian's own.
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || { echo "go.sh: no go found; run as root or install Debian's golang-go" >&2; exit 1; }
		SUDO=sudo
	else
		SUDO=
	fi
	echo "go.sh: installing Debian's golang-go to download Go $want"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends golang-go ca-certificates
fi

mod="golang.org/toolchain@v0.0.1-go$want.linux-$arch"
echo "go.sh: go ${have:-none} on PATH is older than go.mod's go$want; installing $mod into .toolchain/"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
# Outside the checkout: an old go cannot read this go.mod (its toolchain line).
dir=$(cd "$work" && GO111MODULE=on GOTOOLCHAIN=local GOFLAGS= GOPATH="$work/gopath" GOMODCACHE="$work/mod" \
	go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] && [ -f "$dir/bin/go" ] || { echo "go.sh: downloading $mod failed" >&2; exit 1; }
rm -rf "$dest.new"
mkdir -p "$(dirname "$dest")"
cp -R "$dir" "$dest.new"
chmod -R u+w "$dest.new"
# A module zip keeps no file modes: the programs get theirs back, as the go
# command itself does when it switches toolchains.
chmod +x "$dest.new"/bin/* "$dest.new"/pkg/tool/*/*
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "go.sh: $("$dest/bin/go" version) in .toolchain/go"
