# Sourced by the packaging scripts: the app's metadata, read from
# app/FyneApp.toml so name, ID and version are written in one place.
# Sets APP_NAME, APP_ID, APP_VERSION (x.y.z), APP_BUILD and VERSION (the
# string stamped into the binary; the Makefile passes git describe).
toml_value() { # key → value of the first `key = ...` line, quotes removed
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*\$/\1/p" app/FyneApp.toml | head -n1
}
APP_NAME=$(toml_value Name)
APP_ID=$(toml_value ID)
APP_VERSION=$(toml_value Version)
APP_BUILD=$(toml_value Build)
[[ "$APP_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "packaging: app/FyneApp.toml Version \"$APP_VERSION\" is not x.y.z" >&2; exit 1; }
[[ "$APP_BUILD" =~ ^[0-9]+$ ]] || { echo "packaging: app/FyneApp.toml Build \"$APP_BUILD\" is not a number" >&2; exit 1; }
VERSION=${VERSION:-$APP_VERSION}
