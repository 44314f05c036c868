# The two commands the README promises: `make demo` and `make test`. Both run set-up first,
# which is idempotent and skips whatever is already installed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup build server demo test test-rust lint test-js bench

help:
	@echo "make demo   - start the local server, publish with the package, receive, verify"
	@echo "make test   - every test: Rust, package in Node/Deno/workerd/Chromium, server, client"
	@echo "make build  - build the npm package into pkg/ (and pkg/*.tgz)"
	@echo "make bench  - run the benchmarks (see BENCHMARKS.md)"

setup:
	@bash scripts/setup

build: setup
	@bash scripts/build-pkg.sh

server:
	@cargo build -p qstash-server --bin qstash-dev

demo: build server
	@node scripts/demo.mjs

test: setup
	@bash scripts/test-all.sh

bench: build
	@bash scripts/bench-all.sh
