# rebalance: `make run` compares strategies on a bundled household, `make test` runs the tests,
# `make install PREFIX=~/.local` installs the command, its man page and shell completions.
# They install Debian's libglpk-dev first when it is missing (with sudo when not root).

SWIFT ?= swift
SCENARIO ?= scenarios/three-fund.yaml
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: deps build run test install uninstall docs slurm-test bench bench-orders bench-direct-indexing bench-scale scale-check clean

deps:
	@dpkg -s libglpk-dev >/dev/null 2>&1 || { \
		echo "Installing libglpk-dev (GLPK)…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libglpk-dev; }

build: deps
	$(SWIFT) build -c release --product rebalance

run: build
	.build/release/rebalance compare $(SCENARIO)

test: deps
	$(SWIFT) test

# The binary in PREFIX/bin, the man page from swift-argument-parser's generate-manual plugin,
# completions from `rebalance --generate-completion-script`, in the places bash-completion, zsh
# and fish look under PREFIX. Everything is generated into .build/share first, so a failure
# installs nothing half-written.
BIN := $(DESTDIR)$(PREFIX)/bin
SHARE := $(DESTDIR)$(PREFIX)/share
STAGE := .build/share

install: build
	rm -rf $(STAGE) && mkdir -p $(STAGE)
	$(SWIFT) package plugin generate-manual --configuration release
	cp .build/plugins/GenerateManual/outputs/rebalance/rebalance.1 $(STAGE)/rebalance.1
	.build/release/rebalance --generate-completion-script bash > $(STAGE)/rebalance.bash
	.build/release/rebalance --generate-completion-script zsh > $(STAGE)/_rebalance
	.build/release/rebalance --generate-completion-script fish > $(STAGE)/rebalance.fish
	install -d "$(BIN)" "$(SHARE)/man/man1" "$(SHARE)/bash-completion/completions" \
		"$(SHARE)/zsh/site-functions" "$(SHARE)/fish/vendor_completions.d"
	install -m 755 .build/release/rebalance "$(BIN)/rebalance"
	install -m 644 $(STAGE)/rebalance.1 "$(SHARE)/man/man1/rebalance.1"
	install -m 644 $(STAGE)/rebalance.bash "$(SHARE)/bash-completion/completions/rebalance"
	install -m 644 $(STAGE)/_rebalance "$(SHARE)/zsh/site-functions/_rebalance"
	install -m 644 $(STAGE)/rebalance.fish "$(SHARE)/fish/vendor_completions.d/rebalance.fish"
	@echo "Installed $(BIN)/rebalance (put $(BIN) on PATH if it is not)."

uninstall:
	rm -f "$(BIN)/rebalance" "$(SHARE)/man/man1/rebalance.1" "$(SHARE)/bash-completion/completions/rebalance" \
		"$(SHARE)/zsh/site-functions/_rebalance" "$(SHARE)/fish/vendor_completions.d/rebalance.fish"

# The DocC documentation of the Rebalancing library, refused on any warning:
# .build/plugins/Swift-DocC/outputs/Rebalancing.doccarchive.
docs:
	$(SWIFT) package generate-documentation --target Rebalancing --warnings-as-errors

# The batch on a real Slurm scheduler, as one node on this machine (scripts/slurm-test.sh says
# what it does); installs slurm-wlm and munge when missing.
slurm-test: build
	scripts/slurm-test.sh

# Plan, compare and frontier on the 100,000-lot direct-indexing household take seconds and run in
# `make bench`; on the default profile at that size ("stress") they take up to a minute a strategy
# (see docs/engineering.md): `make bench` skips those, `make bench-direct-indexing` runs only the
# direct-indexing ones, `make bench-scale` both.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark \
		--skip "stress: (plan|compare|frontier).*|typical: plan .* x10, .*"

# Whole shares and minimum trades against continuous plans: 10 typical households each way
# (docs/engineering.md); each solve stops after 10 s.
bench-orders: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --filter "typical: plan .* x10, .*"

bench-direct-indexing: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --filter "direct-indexing:.*"

# The scale check on a direct-indexing household of 200 stocks and 20,000 lots: every plan's
# stages certified against bounds computed without the optimizer (docs/engineering.md). The
# default `make test` runs the same check on a small household.
scale-check: deps
	SCALE_CHECK_SYMBOLS=200 SCALE_CHECK_LOTS=20000 $(SWIFT) test --filter ScaleCheckTests

bench-scale: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --filter "(direct-indexing|stress):.*"

clean:
	rm -rf .build Benchmarks/.build
