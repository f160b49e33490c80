package lsp_test

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	// In-process servers log through slog; keep test output readable.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// ghostline builds the binary, once per test run of the package, the
// first time a test needs it.
func ghostline(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "ghostline-lsp-test")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "ghostline")
		out, err := exec.Command("go", "build", "-o", build.path, "github.com/ghostline/ghostline/cmd/ghostline").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}
