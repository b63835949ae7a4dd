# Jiuzhu (救助社工). The two commands a newcomer needs:
#   make run    build everything and serve on http://127.0.0.1:8080 (data in ./data)
#   make test   run every test (installs chromium, brotli and poppler-utils when missing and root)

GO      ?= go
ADDR    ?= 127.0.0.1:8080
DATA    ?= ./data
BIN     := bin/jiuzhu
DIST    := web/dist
# The WebAssembly app and the benchmark's minimal app are built the same way.
# Outside the standard library nothing is inlined (-l): the app's download
# over village networks matters more than the CPU its UI code spends, and
# inlined go-app element chains are repeated code (-6% gzip, -5% brotli);
# the standard library (runtime, GC, JSON) keeps its inlining.
WASMFLAGS := -trimpath -ldflags="-s -w" -gcflags=all=-l -gcflags=std=
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm

.PHONY: all build wasm server run test test-go test-sim test-js vet fmt deps size bench clean
.DELETE_ON_ERROR:

all: build

## build: the WebAssembly app (+ .br/.gz) and the server binary that embeds it
build: wasm server

wasm: $(DIST)/app.wasm.gz $(DIST)/app.wasm.br

# go build always rewrites its output; copy it over only when it changed, so
# the slow compression below reruns only for a new app.
$(DIST)/app.wasm: FORCE
	@mkdir -p build $(DIST)
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o build/app.wasm ./app/wasm
	@cmp -s build/app.wasm $@ || cp build/app.wasm $@

%.wasm.gz: %.wasm
	gzip -9 -n -c $< > $@

# brotli is a Debian package; without it the server serves gzip only.
%.wasm.br: %.wasm
	@if command -v brotli >/dev/null; then \
		echo "brotli -q 11 $<"; brotli -q 11 -c $< > $@; \
	else \
		echo "note: brotli not installed (apt-get install brotli); serving gzip only"; rm -f $@; \
	fi

server:
	@mkdir -p bin
	$(GO) build -trimpath -o $(BIN) ./server/cmd/jiuzhu

## run: build and serve
run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

## deps: what the tests need beyond Go (chromium for browser tests, brotli, and
## poppler-utils' pdftotext to read the printed case file)
deps:
	@missing=""; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$$missing chromium"; \
	command -v brotli >/dev/null || missing="$$missing brotli"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "The tests need:$$missing. Install them (Debian: sudo apt-get install$$missing) and run make test again."; exit 1; \
		fi; \
	fi

## test: vet, then every test: native with -race (incl. browser end-to-end), the sync
## simulation's thousands of seeds without -race, and shared/ under GOOS=js
test: deps build vet test-go test-sim test-js

test-go:
	$(GO) test -race -timeout 30m ./...

# -race runs the simulation on a few hundred seeds; this runs thousands.
test-sim:
	$(GO) test -count=1 -run 'TestSimulation' -timeout 10m ./shared/sync

test-js:
	PATH="$$PATH:$(WASM_EXEC)" GOOS=js GOARCH=wasm $(GO) test -timeout 20m ./shared/... ./app/caseindex

vet:
	@test -z "$$(gofmt -l app server shared web)" || { echo "gofmt needed:"; gofmt -l app server shared web; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./shared/...

fmt:
	gofmt -w app server shared web

## size: app.wasm raw/brotli/gzip next to a minimal go-app app built the same way
size: wasm build/minimal/dist/app.wasm.gz build/minimal/dist/app.wasm.br
	@$(GO) run ./app/bench/sizes $(DIST) build/minimal/dist

build/minimal/dist/app.wasm: FORCE
	@mkdir -p build/minimal/dist
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o build/minimal/app.wasm ./app/bench/minimal
	@cmp -s build/minimal/app.wasm $@ || cp build/minimal/app.wasm $@

FORCE:

## bench: every benchmark of the performance budget in one run, written as one
## table (each figure beside its same-run baseline and its goal, with the
## machine described) to BENCHMARKS.md: WASM size and load against a minimal
## go-app app, bench sync (50 devices) against raw bbolt, catch-up of 10,000
## cases, crashtest, and the device at 10,000 cases against 100
bench: deps build size
	$(GO) run ./app/bench/table --out BENCHMARKS.md --bin $(BIN)

clean:
	rm -rf build bin $(DIST)/app.wasm $(DIST)/app.wasm.br $(DIST)/app.wasm.gz
