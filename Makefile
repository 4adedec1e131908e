# rebalance: `make run` compares strategies on a bundled household, `make test` runs the tests.
# Both install Debian's libglpk-dev first when it is missing (with sudo when not root).

SWIFT ?= swift
SCENARIO ?= scenarios/three-fund.yaml
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test bench bench-direct-indexing clean

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

# The direct-indexing plan and compare do not finish yet (see README, Performance): `make bench`
# skips them, `make bench-direct-indexing` runs them.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark \
		--skip "direct-indexing: (plan|compare).*"

bench-direct-indexing: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --filter "direct-indexing:.*"

clean:
	rm -rf .build Benchmarks/.build
