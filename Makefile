# powerwatch. `make run` starts the desktop app, `make test` runs every test.
# Both install what they need when missing: the Go toolchain pinned in go.mod
# (packaging/go.sh, into .toolchain/) and the Debian packages (as root).
export PATH := $(CURDIR)/.toolchain/go/bin:/usr/local/go/bin:$(PATH)
GO      ?= go
BIN     ?= powerwatch
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all toolchain deps build run serve test vet fuzz bench clean screenshots windows windows-exe installer sign linux test-packaging test-wine

all: build

# The Go of go.mod's toolchain line, when the go on PATH is older or missing.
toolchain:
	@packaging/go.sh

deps: toolchain
	@packaging/deps.sh build

build: deps
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./app

run: build
	./$(BIN)

serve: build
	./$(BIN) serve

vet: toolchain
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The ci tag lets app's Fyne code test without a display; the real binary is
# built too, so a cgo/GL break shows here and not on an officer's desk. The
# packaging test builds the Windows exe and installer and the Linux tarball and
# runs the installer and app under Wine (cold: ~8 min of the 90 min CI budget,
# warm: ~3 min; README "Packaging").
test: deps vet build
	@packaging/deps.sh test
	CGO_ENABLED=0 $(GO) test -count=1 ./store/... ./listener/... ./alarms/... ./ui/...
	$(GO) test -count=1 -tags ci ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=10s
	VERSION=$(VERSION) packaging/test.sh # the Wine run (make test-wine) stays out: it needs a display and timing

# A short smoke run of every fuzz target; the long runs are documented in README.
FUZZTIME ?= 30s
# A run that ends in the fuzzer's own "context deadline exceeded" with no
# failing input (its workers did not stop in time on a loaded machine: no bug
# of ours) is run once more; any failing input fails at once.
fuzz: toolchain
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; \
			out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg 2>&1); rc=$$?; \
			echo "$$out" | tail -n 12; \
			if [ $$rc -ne 0 ] && echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input'; then \
				echo "fuzz $$f: the fuzzer's deadline ran out with no failing input; once more"; \
				$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
			elif [ $$rc -ne 0 ]; then exit 1; fi; \
		done; \
	done

# Every main view rendered with the demo district by Fyne's test driver (no
# display, no cgo) into docs/screenshots/, which README.md shows.
screenshots: toolchain
	mkdir -p docs/screenshots
	GOMODCACHE=$$($(GO) env GOMODCACHE) GOCACHE=$$($(GO) env GOCACHE) GOPATH=$$($(GO) env GOPATH) \
	HOME=$$(mktemp -d) POWERWATCH_SCREENSHOTS=$(CURDIR)/docs/screenshots CGO_ENABLED=0 \
		$(GO) test -count=1 -run '^TestScreenshot(s|FirstStart)$$' ./ui

bench: toolchain
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -f $(BIN)

# Release packages into dist/ (packaging/*.sh; see README "Packaging / 安装包").
# `make windows` builds the exe and the NSIS installer; with SIGN_CERT and
# SIGN_KEY (or a .pfx as SIGN_CERT, SIGN_PASS if it has one) both are signed.
SIGN_ENV = SIGN_CERT="$(SIGN_CERT)" SIGN_KEY="$(SIGN_KEY)" SIGN_PASS="$(SIGN_PASS)" SIGN_TIMESTAMP="$(SIGN_TIMESTAMP)"
windows: windows-exe installer

windows-exe:
	@packaging/deps.sh windows
	VERSION=$(VERSION) $(SIGN_ENV) packaging/windows/build.sh

installer: windows-exe
	VERSION=$(VERSION) $(SIGN_ENV) packaging/windows/installer.sh

sign:
	@test -n "$(SIGN_CERT)" || { echo "make sign: set SIGN_CERT=cert.pem SIGN_KEY=key.pem (packaging/testcert.sh makes a test pair)"; exit 2; }
	$(MAKE) --no-print-directory windows

linux: deps
	VERSION=$(VERSION) packaging/linux/build.sh

# Builds and signs everything with a fresh test certificate and checks it,
# then installs, starts, upgrades and uninstalls it under Wine.
test-packaging:
	VERSION=$(VERSION) packaging/test.sh
	VERSION=$(VERSION) packaging/wine-test.sh

# Only the Wine part, on what `make windows` left in dist/.
test-wine:
	VERSION=$(VERSION) packaging/wine-test.sh
