package ollamatest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ghostline/ghostline/internal/syncbuf"
)

// Binary finds the ollama executable: $OLLAMA_BIN, else ollama on PATH,
// else $GOPATH/bin/ollama (where scripts/install-ollama.sh puts it).
func Binary() (string, error) {
	if b := os.Getenv("OLLAMA_BIN"); b != "" {
		return b, nil
	}
	if b, err := exec.LookPath("ollama"); err == nil {
		return b, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	b := filepath.Join(gopath, "bin", "ollama")
	if _, err := os.Stat(b); err != nil {
		return "", errors.New("no ollama binary (set OLLAMA_BIN, or run scripts/install-ollama.sh)")
	}
	return b, nil
}

// Server is an `ollama serve` of its own: a loopback port, and models and
// home directories under one directory, so it neither sees nor touches the
// user's models.
type Server struct {
	bin, dir, addr string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	logs syncbuf.Buffer
}

// Start runs `ollama serve` with its state under dir on a free loopback
// port and waits until it answers.
func Start(ctx context.Context, dir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"models", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	s := &Server{bin: bin, dir: dir, addr: addr}
	return s, s.start(ctx)
}

// URL is the server's base URL, for model.endpoint or OLLAMA_HOST.
func (s *Server) URL() string { return "http://" + s.addr }

// Logs is what the server wrote so far.
func (s *Server) Logs() string { return s.logs.String() }

// env is the environment of the server and of CLI calls against it: only
// what they need, so the user's OLLAMA_* settings do not leak in, and
// OLLAMA_DEBUG when set (the runner's debug log tells, among others, how
// much of each prompt its cache held).
func (s *Server) env() []string {
	var debug []string
	if d := os.Getenv("OLLAMA_DEBUG"); d != "" {
		debug = append(debug, "OLLAMA_DEBUG="+d)
	}
	return append(debug,
		"PATH="+os.Getenv("PATH"),
		"HOME="+filepath.Join(s.dir, "home"),
		"TMPDIR="+os.TempDir(),
		"OLLAMA_HOST="+s.addr,
		"OLLAMA_MODELS="+filepath.Join(s.dir, "models"),
		"OLLAMA_NUM_PARALLEL=1",
		"OLLAMA_MAX_LOADED_MODELS=2",
	)
}

func (s *Server) start(ctx context.Context) error {
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env()
	cmd.Stdout, cmd.Stderr = &s.logs, &s.logs
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ollama serve: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if s.answers(ctx) {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("ollama serve exited: %s", tail(s.Logs()))
		case <-ctx.Done():
			_ = s.Stop()
			return fmt.Errorf("ollama serve did not answer on %s: %w; log: %s", s.addr, ctx.Err(), tail(s.Logs()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Server) answers(ctx context.Context) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == 200 && strings.Contains(string(b), "Ollama is running")
}

// Stop ends the server and its model runners.
func (s *Server) Stop() error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	terminate(cmd)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		kill(cmd)
		<-done
	}
	return nil
}

// Restart stops the server and starts it again on the same port with the
// same models, as a user restarting Ollama mid-session would.
func (s *Server) Restart(ctx context.Context) error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.start(ctx)
}

// Create runs `ollama create name` with modelfile (written next to the
// server's state; a relative FROM path is relative to the current
// directory of the caller, so give absolute paths). Ollama's own message is
// returned when it refuses the model.
func (s *Server) Create(ctx context.Context, name, modelfile string) error {
	f, err := os.CreateTemp(s.dir, "Modelfile-*")
	if err != nil {
		return err
	}
	if _, err := f.WriteString(modelfile); err != nil {
		f.Close()
		return err
	}
	f.Close()
	// Arguments go to the program directly, never through a shell: a name
	// with shell metacharacters is just a (probably invalid) name.
	cmd := exec.CommandContext(ctx, s.bin, "create", name, "-f", f.Name())
	cmd.Env = s.env()
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("ollama create %s: %w: %s", name, err, lastLine(stripANSI(string(out))))
	}
	return nil
}

// TinyModel and TinyRawModel are the names StartTiny creates: the first has
// a template with .Suffix (Ollama reports the "insert" capability), the
// second a plain template, for raw FIM prompts.
const (
	TinyModel    = "ghostline-tiny:latest"
	TinyRawModel = "ghostline-tiny-raw:latest"
)

// TinyTemplate is Qwen2.5-Coder's FIM template, which the tiny model's
// special tokens match.
const TinyTemplate = `{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}{{ .Prompt }}{{- end }}`

// TinyModelfile is the Modelfile for the tiny model at gguf (an absolute
// path); fim selects TinyTemplate over a plain one. One thread: on a busy
// machine more threads make a model this small far slower, not faster.
func TinyModelfile(gguf string, fim bool) string {
	return TinyModelfileCtx(gguf, fim, 2048)
}

// TinyModelfileCtx is TinyModelfile with a context window of numCtx
// tokens.
func TinyModelfileCtx(gguf string, fim bool, numCtx int) string {
	tmpl := "{{ .Prompt }}"
	if fim {
		tmpl = TinyTemplate
	}
	return fmt.Sprintf("FROM %s\nTEMPLATE \"\"\"%s\"\"\"\nPARAMETER stop \"<|endoftext|>\"\nPARAMETER num_thread 1\nPARAMETER num_ctx %d\n", gguf, tmpl, numCtx)
}

// StartTiny starts a server under dir with TinyModel and TinyRawModel
// created from a freshly written tiny GGUF.
func StartTiny(ctx context.Context, dir string) (*Server, error) {
	s, err := Start(ctx, dir)
	if err != nil {
		return nil, err
	}
	gguf := filepath.Join(dir, "tiny.gguf")
	if err := WriteTinyGGUF(gguf, 1); err != nil {
		_ = s.Stop()
		return nil, err
	}
	for name, fim := range map[string]bool{TinyModel: true, TinyRawModel: false} {
		if err := s.Create(ctx, name, TinyModelfile(gguf, fim)); err != nil {
			_ = s.Stop()
			return nil, err
		}
	}
	return s, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// lastLine is the last non-empty line: the CLI's error after its progress lines.
func lastLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(no output)"
}

func tail(s string) string {
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
