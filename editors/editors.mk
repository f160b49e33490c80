# Editor plugins: `include editors/editors.mk` from the top-level Makefile.
#   make test-editors  unit tests of both plugins (node + nvim; part of `make test`)
#   make vsix          editors/vscode/ghostline.vsix with bin/ghostline inside
#   make e2e-nvim      Neovim end to end against the real server (seconds)
#   make e2e-vscode    VS Code (code-server + Chromium) end to end (installs once, minutes)
VSCODE_DIR := editors/vscode
NVIM       ?= nvim

.PHONY: test-editors test-vscode test-nvim vsix e2e-nvim e2e-vscode install-e2e-vscode

test-editors: test-vscode test-nvim

$(VSCODE_DIR)/node_modules/.package-lock.json: $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && npm ci --no-audit --no-fund

# Skipped (with a note) where npm is not installed; CI installs it.
ifneq ($(shell command -v npm 2>/dev/null),)
test-vscode: $(VSCODE_DIR)/node_modules/.package-lock.json
	cd $(VSCODE_DIR) && npm test
else
test-vscode:
	@echo "test-vscode: npm not installed, VS Code extension tests skipped (apt-get install -y nodejs npm)"
endif

# Skipped (with a note) where nvim is not installed; CI installs it.
test-nvim:
	@if command -v $(NVIM) >/dev/null; then \
		cd editors/nvim && timeout 60 $(NVIM) --headless -u NONE -i NONE -c 'luafile test/unit.lua'; \
	else echo "test-nvim: nvim not installed, skipped (apt-get install -y neovim)"; fi

# The packed server is built without symbol tables: a third smaller.
vsix: $(VSCODE_DIR)/node_modules/.package-lock.json
	$(GO) build -trimpath -ldflags='-s -w' -o $(VSCODE_DIR)/bin/ghostline ./cmd/ghostline
	cd $(VSCODE_DIR) && npx tsc -p . && npx vsce package --skip-license --target linux-x64 --out ghostline.vsix
	@ls -l $(VSCODE_DIR)/ghostline.vsix

e2e-nvim: build
	GHOSTLINE_BIN=$(CURDIR)/$(BIN) ./scripts/e2e-nvim.sh

install-e2e-vscode:
	./scripts/install-e2e-vscode.sh

e2e-vscode: build vsix install-e2e-vscode
	GHOSTLINE_BIN=$(CURDIR)/$(BIN) ./scripts/e2e-vscode.sh
