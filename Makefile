# Token Inspector. The two set-up commands on a fresh Debian/Ubuntu machine with Go:
#   make run    installs missing system packages, builds, starts the GUI (Demo IdP profile ready)
#   make test   installs what the tests need and runs them all
# See docs/development.md for macOS and Windows.

GO       ?= go
BIN      := bin/tokeninspector
TESTBIN  := bin/tokeninspector-race
# An execution count, not a duration: Go 1.26's fuzz coordinator can fail a duration run with a spurious
# "context deadline exceeded" when a loaded machine starves its workers at the deadline (golang/go#75804).
FUZZTIME ?= 20000x
# Releases: the desktop package (Linux) and the command-line-only binaries.
VERSION  := $(shell sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
ARCH     := $(shell $(GO) env GOARCH)
PREFIX   ?= $(HOME)/.local
RELBIN   := bin/release/tokeninspector
PKGDIR   := bin/package
CLIDIR   := bin/cli
# staticcheck, pinned to a release built for Go 1.26 (its go.mod says go 1.26.0).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Build tags of the desktop app. no_emoji: Fyne parses its bundled 4 MB colour-emoji font once for every text style
# (regular, bold, monospace...), about 5 MB of heap each; without it emoji are drawn with the system's emoji font
# (docs/performance.md).
GUITAGS  ?= no_emoji

.PHONY: run build test vet unit fuzz smoke keyring release bench screenshots perf perf-soak perf-clicks clean \
	release-bin package install uninstall cli dist

run: build
	./$(BIN)

build:
	scripts/deps.sh build
	$(GO) build -tags "$(GUITAGS)" -o $(BIN) .

test:
	scripts/deps.sh test
	$(MAKE) vet unit fuzz smoke keyring release

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet -tags nogui . ./cli/... ./version/
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) run $(STATICCHECK) ./...

# -race everywhere; the smoke binary is built with -race too, so CI compiles Fyne once.
# The CLI tests run again against the command-line-only build (-tags nogui, no cgo).
unit:
	$(GO) test -race -count=1 ./...
	CGO_ENABLED=0 $(GO) test -count=1 -tags nogui ./cli/... ./version/

# A short coverage-guided run of each parser fuzzer (their seed corpora also run in `unit`).
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzInspect$$' -fuzztime $(FUZZTIME) ./token/
	$(GO) test -run '^$$' -fuzz '^FuzzParseObject$$' -fuzztime $(FUZZTIME) ./token/
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./store/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeObject$$' -fuzztime $(FUZZTIME) ./flows/
	$(GO) test -run '^$$' -fuzz '^FuzzAnalyzeHAR$$' -fuzztime $(FUZZTIME) ./flowtrace/

# The smoke and end-to-end tests share the -race binary (Fyne compiles once).
smoke:
	$(GO) build -race -tags "$(GUITAGS)" -o $(TESTBIN) .
	scripts/smoke.sh $(TESTBIN)
	scripts/e2e.sh $(TESTBIN)

keyring:
	scripts/test-keyring.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./token/ ./flows/ ./flowtrace/

screenshots: build
	scripts/deps.sh screenshots
	scripts/screenshots.sh $(BIN)

perf: build
	scripts/perf-ui.sh $(BIN)
	scripts/perf-har.sh

# Memory and goroutines over 500 auto-refresh cycles of the real binary, about one a second
# (9 minutes; SOAK_LIFETIME=30s SOAK_LEAD=30s runs them back to back in half a minute).
perf-soak: build
	scripts/perf-soak.sh $(BIN) 500

# What one click costs with 300 profiles, a 1,000-key JWKS, a 2,000-claim token and 5,000 exchanges.
perf-clicks:
	$(GO) test -run '^$$' -bench Click -benchtime 100x ./ui/

# The desktop app as shipped: no -race, stripped, the VCS revision stamped
# (the machine may set GOFLAGS=-buildvcs=false). Same compile flags as
# build, so it only links again.
release-bin:
	scripts/deps.sh build
	$(GO) build -tags "$(GUITAGS)" -buildvcs=auto -ldflags "-s -w" -o $(RELBIN) .

# The Linux archive (Fyne tool, pinned in tools/go.mod): executable, .desktop, icons, install.sh.
package: release-bin
	scripts/package.sh $(RELBIN) $(PKGDIR)

# Installs under PREFIX (default ~/.local; system-wide: sudo make install PREFIX=/usr/local).
install: package
	PREFIX="$(PREFIX)" $(PKGDIR)/tokeninspector-$(VERSION)-linux-$(ARCH)/install.sh

uninstall:
	PREFIX="$(PREFIX)" scripts/install.sh --uninstall

# The command-line-only binaries: -tags nogui, CGO_ENABLED=0, four targets.
cli:
	scripts/build-cli.sh $(CLIDIR)

# Release checks: package, install into a temporary PREFIX, start under Xvfb,
# desktop-file-validate, uninstall; the four CLI targets and their sizes.
release: package cli
	scripts/release-check.sh $(PKGDIR) $(CLIDIR)

# dist/: the archives and binaries to publish, with SHA256SUMS.
dist: package cli
	rm -rf dist && mkdir -p dist
	cp $(PKGDIR)/tokeninspector-$(VERSION)-linux-$(ARCH).tar.xz $(CLIDIR)/tokeninspector-cli-$(VERSION)-* dist/
	cd dist && sha256sum * > SHA256SUMS && cat SHA256SUMS

clean:
	rm -rf bin dist
