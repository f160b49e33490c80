package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/upload"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"ghostline": main})
}

// TestScripts runs testdata/script/*.txtar: the README's commands as
// written, on a fresh home, data and cache directory each.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			readme, err := filepath.Abs("../../README.md")
			if err != nil {
				return err
			}
			e.Setenv("README", readme)
			for _, v := range []string{"HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"} {
				dir := filepath.Join(e.WorkDir, ".fresh", strings.ToLower(v))
				if err := os.MkdirAll(dir, 0o700); err != nil {
					return err
				}
				e.Setenv(v, dir)
			}
			e.Setenv("OLLAMA_HOST", "http://127.0.0.1:1") // no model server, whatever runs here
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"freeaddr": cmdFreeAddr,
			"waithttp": cmdWaitHTTP,
			"stopbg":   cmdStopBackground,
			"upload":   cmdUpload,
			"readme":   cmdReadme,
		},
	})
}

// freeaddr VAR: a free loopback address in $VAR (the README's fixed port
// may be taken on a shared machine).
func cmdFreeAddr(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeaddr VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv(args[0], ln.Addr().String())
	ts.Check(ln.Close())
}

// waithttp URL: wait up to 30 s for URL to answer.
func cmdWaitHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waithttp URL")
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(args[0])
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not answer in 30 s: %v", args[0], err)
		}
	}
}

// stopbg: interrupt the background commands (then `wait` for them).
func cmdStopBackground(ts *testscript.TestScript, neg bool, args []string) {
	for _, c := range ts.BackgroundCmds() {
		ts.Check(c.Process.Signal(os.Interrupt))
	}
}

// upload optin|flush URL TOKENFILE: what `serve` does with
// telemetry.collector set, on the user's telemetry database: opting in
// (the first uploader for a collector), then uploading what was recorded
// since; flush fails unless the collector acknowledged at least one event
// (with !, unless it refused them).
func cmdUpload(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || args[0] != "optin" && args[0] != "flush" {
		ts.Fatalf("usage: upload optin|flush URL TOKENFILE")
	}
	ctx := context.Background()
	// The default path under the script's XDG_DATA_HOME, not this process's.
	path := filepath.Join(ts.Getenv("XDG_DATA_HOME"), "ghostline", "telemetry.db")
	st, err := telemetry.Open(ctx, path, telemetry.StoreOptions{})
	ts.Check(err)
	defer st.Close()
	u, err := upload.New(ctx, st, upload.Options{URL: args[1], Token: strings.TrimSpace(ts.ReadFile(args[2]))})
	ts.Check(err)
	if args[0] == "optin" {
		return
	}
	n, err := u.Flush(ctx)
	switch {
	case neg && err == nil:
		ts.Fatalf("upload succeeded (%d events)", n)
	case neg:
		ts.Logf("upload refused as expected: %v", err)
	case err != nil:
		ts.Fatalf("upload: %v", err)
	case n == 0:
		ts.Fatalf("nothing uploaded: no events recorded since opting in")
	default:
		ts.Logf("uploaded %d events", n)
	}
}

// readme FILE: every `ghostline ...` command line of the README's code
// blocks names a command that answers -h, and each --flag it uses is one
// that command lists.
func cmdReadme(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: readme FILE")
	}
	seen := 0
	inCode := false
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode || !strings.HasPrefix(line, "ghostline ") {
			continue
		}
		code, _, _ := strings.Cut(line, "#")
		words := strings.Fields(code)[1:]
		// The command path: the leading words that are not flags, values
		// or positions (those have a dot, slash, colon or digit, or come
		// after the first flag).
		var path []string
		for _, w := range words {
			if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") || strings.ContainsAny(w, "./:0123456789$") {
				break
			}
			path = append(path, w)
		}
		for len(path) > 0 {
			if ts.Exec("ghostline", append(append([]string{}, path...), "-h")...) == nil {
				break
			}
			path = path[:len(path)-1] // a name or team after the command
		}
		if len(path) == 0 {
			ts.Fatalf("README: %q names no command that answers -h", line)
		}
		usage := ts.ReadFile("stderr")
		for _, w := range words {
			name, _, _ := strings.Cut(strings.Trim(w, "[]"), "=")
			if strings.HasPrefix(name, "--") && !strings.Contains(usage, "  -"+name[2:]) {
				ts.Fatalf("README: %q uses %s, which `ghostline %s -h` does not list", line, name, strings.Join(path, " "))
			}
		}
		seen++
	}
	if seen < 20 {
		ts.Fatalf("only %d ghostline command lines found in %s", seen, args[0])
	}
	ts.Logf("%d README command lines checked", seen)
}
