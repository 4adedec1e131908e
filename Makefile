# rebalance: `make run` compares strategies on a bundled household, `make test` runs the tests.
# Both install Debian's libglpk-dev first when it is missing (with sudo when not root).

SWIFT ?= swift
SCENARIO ?= scenarios/three-fund.yaml
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test bench clean

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

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build Benchmarks/.build
