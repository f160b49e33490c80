# ghostline — see README.md. `make run` shows it working; `make test` runs the tests.
GO      ?= go
BIN     := bin/ghostline
PREFIX  ?= $(HOME)/.local
# Outside a git checkout (a release tarball) every .go file but the plugins' node_modules.
GOFILES := $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path '*/node_modules/*')

.PHONY: build run test test-go lint bench install clean ranker-model \
	test-ollama test-pg fuzz e2e e2e-dashboard bench-dashboard dashboard-assets

build:
	$(GO) build -o $(BIN) ./cmd/ghostline

# Doctor, then `ghostline demo`: completions at realistic cursors of this
# repository's own code, beside what was really there.
run: build
	./scripts/demo.sh $(BIN)

# gofmt with no files would read standard input and wait: never call it without.
lint:
	@if [ -z "$(GOFILES)" ]; then echo "lint: no Go files found"; exit 1; fi
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags 'ollama e2e' ./model/ollamatest/ ./lsp/ ./telemetry/collector/

# Everything that needs no model server, browser or editor beyond what
# `make test-editors` finds (each skips with a note where a tool is missing).
test: lint test-go test-editors

test-go:
	$(GO) test -count=1 ./...

# Each fuzz target for a bounded number of inputs (go test -fuzz takes one
# target per run). A count, not a duration: a duration can fail with a bare
# "context deadline exceeded" on a loaded machine (golang/go#75804).
# About 10-20 s a target on 2 cores.
FUZZTIME ?= 30000x
FUZZ     := ./lsp/:FuzzStream ./lsp/:FuzzMessage ./lsp/:FuzzMapper
fuzz:
	@for t in $(FUZZ); do \
		echo "fuzz $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) "$${t%%:*}" || exit 1; \
	done

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 200x ./lsp/ ./ranker/ ./retrieval/... ./model/builtin/
	$(GO) test -run '^$$' -bench Redact -benchtime 3x ./secrets/   # secret rules: MB/s and redactions/MB of ordinary code
	$(GO) test -run '^$$' -bench Record -benchtime 200000x ./telemetry/
	$(GO) test -run '^$$' -bench Sustained -benchtime 1x ./telemetry/   # GHOSTLINE_BENCH_SECONDS=60 for the issue's figure

install:
	$(GO) build -o $(PREFIX)/bin/ghostline ./cmd/ghostline
	@echo "installed $(PREFIX)/bin/ghostline"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on your PATH; add it, e.g. echo 'export PATH=\"$(PREFIX)/bin:\$$PATH\"' >> ~/.profile";; esac

clean:
	rm -rf bin editors/vscode/bin editors/vscode/out editors/vscode/ghostline.vsix

# Retrain the predictor shipped in the binary from the CUPS study data
# (deterministic: the same data gives the same file).
ranker-model:
	$(GO) generate ./ranker

# A real Ollama server (built from its Go module at a pinned version, once)
# with a tiny model the tests generate: the model backend and the whole LSP
# path through it.
test-ollama:
	./scripts/install-ollama.sh
	$(GO) test -count=1 -tags ollama ./model/ollamatest/ ./lsp/

# The collector against a real PostgreSQL server (Debian's postgresql
# package; the tests start their own on a loopback port).
test-pg:
	GHOSTLINE_PG_TESTS=1 $(GO) test -count=1 ./telemetry/collector/...

# The dashboard page in headless Chromium (apt-get install chromium),
# checked against aggregates computed from the raw events; the screenshot
# goes to $(CURDIR)/bin/e2e.
e2e-dashboard:
	mkdir -p bin/e2e
	GHOSTLINE_E2E_OUT=$(CURDIR)/bin/e2e $(GO) test -tags e2e -count=1 -run Browser -v ./telemetry/collector/

# Ingestion throughput for 60 s and page queries over 5 million events.
bench-dashboard: build
	./$(BIN) bench dashboard

# Refresh the charting library embedded in the binary from npm.
dashboard-assets:
	cd telemetry/collector/web && npm ci --no-audit --no-fund && npm run build

# All end-to-end suites (each installs what it needs on first use).
e2e: test-ollama test-pg e2e-dashboard e2e-nvim e2e-vscode

include editors/editors.mk
