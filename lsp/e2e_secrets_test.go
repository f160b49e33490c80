package lsp_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// marker is planted in every secret of the workspace below; canary in
// ordinary code, to show that the checks can see text where it does reach.
const (
	marker = "glmark"
	canary = "glcanary"
)

var plantedFiles = map[string]string{
	".env":                "API_TOKEN=GLMARK1a9f3k2\nDEBUG=1\n",
	"server.pem":          "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqGLMARK2hkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n",
	"credentials.json":    `{"type": "service_account", "client_secret": "GLMARK3x7q"}` + "\n",
	"config/secrets.yaml": "db_password: GLMARK4q8w\n",
	"config/database.yml": "production:\n  adapter: postgresql\n  host: db.internal\n  password: \"GLMARK5zz9\"\n  pool: 5\n",
	"app/settings.py": "import os\n\nSTRIPE_KEY = \"sk_live_GLMARK6abcdefgh12345\"\nAWS_KEY_ID = \"AKIAGLMARK7ABCDEFGHI\"\n" +
		"GITHUB = \"ghp_GLMARK8abcdefghijklmnopqrstuvwxyz0123\"\nDATABASE_URL = \"postgres://app:GLMARK9pw@db/app\"\n\n\ndef connect():\n    return db.connect(host=\"db.internal\", pool=5)\n",
	"db.go": "package main\n\n// glcanary: ordinary code reaches the model.\nconst dbPassword = \"GLMARK10sec\"\n\nfunc connectDB(host string, pool int) error {\n\treturn nil\n}\n",
}

// No planted secret reaches a request the model server receives, the index
// directory or the telemetry database, through a real `serve`.
func TestSecretsNeverLeave(t *testing.T) {
	ol := lsptest.NewOllama()
	defer ol.Close()
	ol.SetReply(func(lsptest.GenerateRequest) string { return "x := 1" })
	b := startBinary(t, nil)
	for name, text := range plantedFiles {
		p := filepath.Join(b.workspace, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settings := map[string]any{
		"model":      map[string]any{"provider": "ollama", "endpoint": ol.URL(), "timeoutMs": 5000},
		"ranker":     map[string]any{"enabled": false},
		"telemetry":  map[string]any{"enabled": true, "storeText": true},
		"completion": map[string]any{"debounceMs": 0},
	}
	if _, err := b.Initialize(b.ctx, lsptest.InitOptions{RootURI: "file://" + b.workspace, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := b.Status(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ix := st.Indexing; ix != nil && ix.Total > 0 && ix.Done == ix.Total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexing did not finish: %+v", st.Indexing)
		}
	}
	complete := func(name, lang string, line, char uint32) lsp.InlineCompletionList {
		t.Helper()
		uri := "file://" + filepath.Join(b.workspace, filepath.FromSlash(name))
		text := plantedFiles[name]
		if text == "" {
			data, _ := os.ReadFile(filepath.Join(b.workspace, name))
			text = string(data)
		}
		if err := b.DidOpen(b.ctx, uri, lang, text); err != nil {
			t.Fatal(err)
		}
		list, err := b.InlineCompletion(b.ctx, uri, line, char, lsp.TriggerInvoked)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return list
	}
	// Files the rules match by name or that hold a key: no request at all.
	for _, name := range []string{".env", "config/secrets.yaml", "credentials.json", "server.pem"} {
		before := len(ol.Generates())
		if list := complete(name, "plaintext", 1, 0); len(list.Items) != 0 {
			t.Errorf("%s: suggested %+v", name, list.Items)
		}
		if n := len(ol.Generates()) - before; n != 0 {
			t.Errorf("%s: %d model requests, want none", name, n)
		}
	}
	// On the line of a secret: no request either.
	before := len(ol.Generates())
	complete("app/settings.py", "python", 2, 14)
	if n := len(ol.Generates()) - before; n != 0 {
		t.Errorf("on a secret's line: %d model requests, want none", n)
	}
	// Elsewhere the request goes out, with the secrets around it redacted.
	complete("app/settings.py", "python", 9, 4)
	complete("app/settings.py", "python", 7, 0)
	complete("db.go", "go", 6, 1)
	complete("main.go", "go", 3, 5)
	if len(ol.Generates()) < 4 {
		t.Fatalf("%d model requests, want 4", len(ol.Generates()))
	}
	if msgs := b.ShowMessages(); !strings.Contains(messagesText(msgs), "secret rules match") {
		t.Errorf("no message about the secret files: %+v", msgs)
	}
	if err := b.Shutdown(b.ctx); err != nil {
		t.Fatal(err)
	}

	var sent strings.Builder
	for _, g := range ol.Generates() {
		sent.WriteString(g.Prompt + g.Suffix)
	}
	if leaked := strings.Count(strings.ToLower(sent.String()), marker); leaked != 0 {
		t.Errorf("%d markers in the model's requests:\n%s", leaked, sent.String())
	}
	if !strings.Contains(strings.ToLower(sent.String()), canary) {
		t.Error("the canary is not in the model's requests: the check above proves nothing")
	}
	home := filepath.Dir(b.workspace)
	for _, dir := range []string{"cache", "data"} {
		found := map[string]int{}
		filepath.WalkDir(filepath.Join(home, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			data, _ := os.ReadFile(p)
			data = bytes.ToLower(data)
			found[marker] += bytes.Count(data, []byte(marker))
			found[canary] += bytes.Count(data, []byte(canary))
			return nil
		})
		if found[marker] != 0 {
			t.Errorf("%d markers under %s", found[marker], dir)
		}
		if found[canary] == 0 {
			t.Errorf("no canary under %s: the check proves nothing there", dir)
		}
	}
}

func messagesText(msgs []protocol.ShowMessageParams) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Message + "\n")
	}
	return b.String()
}
