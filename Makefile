# ghostline — see README.md. `make run` shows it working; `make test` runs the tests.
GO      ?= go
BIN     := bin/ghostline
PREFIX  ?= $(HOME)/.local
GOFILES := $(shell git ls-files '*.go' 2>/dev/null)

.PHONY: build run test lint bench install clean ranker-model

build:
	$(GO) build -o $(BIN) ./cmd/ghostline

# Doctor, then real completions at a few positions of this repository's own code.
run: build
	./scripts/demo.sh $(BIN)

lint:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: lint
	$(GO) test -count=1 ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 200x ./lsp/ ./ranker/ ./retrieval/ ./telemetry/ ./model/...

install:
	$(GO) build -o $(PREFIX)/bin/ghostline ./cmd/ghostline
	@echo "installed $(PREFIX)/bin/ghostline"

clean:
	rm -rf bin

# Retrain the predictor shipped in the binary from the CUPS study data
# (deterministic: the same data gives the same file).
ranker-model:
	$(GO) generate ./ranker
