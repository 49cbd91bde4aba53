# smetsim: build, test, benchmark, lint and fuzz. `make help` lists the targets.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 20s
BASELINE  ?= HEAD~1
BENCHTIME ?= 300ms
COUNT     ?= 3

.PHONY: help build test bench lint fuzz run clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build bin/smetsim
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/smetsim ./cmd/smetsim

test: ## run every spec with the race detector (what CI runs)
	$(GO) test -race -count=1 ./...

bench: ## run the benchmarks here and at $(BASELINE), and print each figure beside its baseline
	$(GO) run ./internal/benchcmp -baseline "$(BASELINE)" -count $(COUNT) -benchtime $(BENCHTIME)

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# -fuzzminimizetime 10x: minimising each new interesting input at length stalled the fuzzers at
# 0 execs/s on 2 cores.
fuzz: ## run every fuzz target for $(FUZZTIME) each
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x $$pkg; \
	  done; \
	done

run: build ## build, then run the main job (the built-in smoke suite of scenarios)
	./bin/smetsim run

clean: ## remove build output
	rm -rf bin
