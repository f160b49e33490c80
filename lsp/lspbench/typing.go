package lspbench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// TypingOptions describe the typing replay `ghostline bench typing` runs
// against a server process.
type TypingOptions struct {
	Repo string // the workspace: a repository nobody tuned on
	File string // the Go file typed into, relative to Repo
	// Keystrokes typed, from the start of the body of the first function
	// past 60% of File (the rest of the body stays as the suffix).
	Keystrokes int
	Pauses     int // pauses in the middle of typing (the end is one more)
	Seed       uint64
	// Gaps between keystrokes are drawn from [MinGap, MaxGap); a pause
	// lasts Pause ± 50 ms.
	MinGap, MaxGap, Pause time.Duration
	// Idle is how long the settled server is watched without input, for
	// the CPU it spends on its own (timers, background work).
	Idle time.Duration
	// StartTimeout bounds the wait for the server's start-up work.
	StartTimeout time.Duration
	// CPUProfile, when set and the server has a Pprof URL, receives the
	// server's CPU profile of the typing.
	CPUProfile string
}

// TypingResult is what one server cost on the replay.
type TypingResult struct {
	Server     string
	Keystrokes int
	Pauses     int // including the end of typing
	Answered   int // pauses answered with a suggestion
	// PauseToAnswer: from the request of the last keystroke before a pause
	// to its answer, for the pauses answered.
	PauseToAnswer []time.Duration
	BackendCalls  int
	Typing        time.Duration // wall time of the replay
	// TypingCPU is the server's user+system CPU during the replay, less
	// what it spends idle over the same time (IdleCPUPerSec).
	TypingCPU     time.Duration
	IdleCPUPerSec time.Duration
	// StartCPU is the CPU from exec until the start-up work (indexing) is
	// done and the process is quiet; StartWall the time that took.
	StartCPU, StartWall time.Duration
	// RestartCPU and RestartWall are the same for a second start in the
	// same home once the first has exited (what a user pays daily: the
	// index and the model persisted, the typed file unchanged on disk).
	RestartCPU, RestartWall time.Duration
	PeakRSS                 int64 // bytes (VmHWM)
	// Refused is how many connections beyond loopback were refused
	// (-1: not watched).
	Refused int
}

// CPUPerKeystroke is TypingCPU over the keystrokes.
func (r TypingResult) CPUPerKeystroke() time.Duration {
	return r.TypingCPU / time.Duration(max(r.Keystrokes, 1))
}

// CallsPerKeystroke is backend calls over keystrokes.
func (r TypingResult) CallsPerKeystroke() float64 {
	return float64(r.BackendCalls) / float64(max(r.Keystrokes, 1))
}

// TypingServer is a language server under test: how to start it, what it
// is told, and how it is asked for completions.
type TypingServer struct {
	Name     string
	Bin      string
	Args     []string
	Env      []string
	Settings map[string]any // initializationOptions
	// Progress announces window.workDoneProgress (so the server reports
	// its indexing).
	Progress bool
	// Ready waits until the server's start-up work is done; nil: it has none.
	Ready func(ctx context.Context, c *lsptest.Client) error
	// Ask sends the completion request after a keystroke.
	Ask func(ctx context.Context, c *lsptest.Client, uri string, line, col uint32) *lsptest.Pending
	// BackendCalls counts the model backend's completion calls so far.
	BackendCalls func() int
	// Refused counts, from the server's stderr, connections it tried
	// beyond loopback; nil: not watched.
	Refused func(stderr string) int
	// Pprof is the base URL of the server's net/http/pprof handlers, if any.
	Pprof string
}

// TypingSampleIn cuts a typing sample out of a Go file: the document
// before and after the typed text, and the text, n keystrokes from the
// start of the body of the first function past 60% of the file.
func TypingSampleIn(path string, n int) (prefix, typed, suffix string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", "", err
	}
	text := string(data)
	from := len(text) * 6 / 10
	i := strings.Index(text[from:], "\nfunc ")
	if i < 0 {
		return "", "", "", fmt.Errorf("%s: no function past 60%% of the file", path)
	}
	body := strings.Index(text[from+i+1:], "{\n")
	if body < 0 {
		return "", "", "", fmt.Errorf("%s: no function body past 60%% of the file", path)
	}
	start := from + i + 1 + body + 2
	runes := []rune(text[start:])
	if len(runes) < n {
		return "", "", "", fmt.Errorf("%s: fewer than %d characters after the function at byte %d", path, n, start)
	}
	typed = string(runes[:n])
	return text[:start], typed, text[start+len(typed):], nil
}

// Typing runs the replay against srv: it starts the process in o.Repo,
// waits for its start-up work, watches it idle, opens o.File without the
// typed text and types it, a request per keystroke with the previous one
// cancelled (as VS Code does), and measures the process from /proc.
func Typing(ctx context.Context, srv TypingServer, o TypingOptions) (TypingResult, error) {
	res := TypingResult{Server: srv.Name}
	prefix, typed, suffix, err := TypingSampleIn(filepath.Join(o.Repo, o.File), o.Keystrokes)
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	c, withStderr, err := startServer(ctx, srv, o.Repo, o.StartTimeout)
	if c == nil {
		return res, err
	}
	defer c.Close()
	fail := func(err error) (TypingResult, error) { return res, withStderr(err) }
	if err != nil {
		return fail(err)
	}
	pid := c.Pid()
	if err := quiet(ctx, pid); err != nil {
		return fail(err)
	}
	res.StartWall = time.Since(t0)
	if res.StartCPU, err = processCPU(pid); err != nil {
		return fail(err)
	}

	idle := cmp.Or(o.Idle, 3*time.Second)
	cpu0, _ := processCPU(pid)
	time.Sleep(idle)
	cpu1, err := processCPU(pid)
	if err != nil {
		return fail(err)
	}
	res.IdleCPUPerSec = time.Duration(float64(cpu1-cpu0) / idle.Seconds())

	uri := "file://" + filepath.Join(o.Repo, o.File)
	if err := c.DidOpen(ctx, uri, "go", prefix+suffix); err != nil {
		return fail(err)
	}
	lines := strings.Split(prefix, "\n")
	last := lines[len(lines)-1]
	t := &typist{client: c, uri: uri, line: uint32(len(lines) - 1), col: uint32(lsp.UnitLen(last, lsp.UTF16)), ver: 1, ask: srv.Ask, cancelPrevious: true}
	calls0 := srv.BackendCalls()
	cpu0, _ = processCPU(pid)
	start := time.Now()
	profiled := make(chan error, 1)
	if o.CPUProfile != "" && srv.Pprof != "" {
		// The schedule's expected length: the profile covers the typing.
		d := time.Duration(o.Keystrokes)*(o.MinGap+o.MaxGap)/2 + time.Duration(o.Pauses+1)*o.Pause
		go func() { profiled <- fetchProfile(ctx, srv.Pprof, d, o.CPUProfile) }()
	} else {
		profiled <- nil
	}
	keys, err := t.typeText(ctx, ReplayOptions{Typed: typed, Pauses: o.Pauses, Seed: o.Seed, MinGap: o.MinGap, MaxGap: o.MaxGap, Pause: o.Pause, PauseAnywhere: true})
	if err != nil {
		return fail(err)
	}
	if err := waitKeys(ctx, keys); err != nil {
		return fail(err)
	}
	// The last answer is in; what the server does next (debounced
	// re-indexing, telemetry writes) is still the cost of this typing.
	if err := quiet(ctx, pid); err != nil {
		return fail(err)
	}
	res.Typing = time.Since(start)
	cpu1, err = processCPU(pid)
	if err != nil {
		return fail(err)
	}
	res.TypingCPU = max(0, cpu1-cpu0-time.Duration(float64(res.IdleCPUPerSec)*res.Typing.Seconds()))
	res.BackendCalls = srv.BackendCalls() - calls0
	res.Keystrokes = len(keys)
	res.Pauses, res.Answered, res.PauseToAnswer = pauseAnswers(keys)
	if res.PeakRSS, err = peakRSS(pid); err != nil {
		return fail(err)
	}
	if err := <-profiled; err != nil {
		return fail(err)
	}
	res.Refused = -1
	if srv.Refused != nil {
		res.Refused = srv.Refused(c.Stderr())
	}
	if err := shutdown(ctx, c); err != nil {
		return fail(err)
	}
	if res.RestartCPU, res.RestartWall, err = restart(ctx, srv, o); err != nil {
		return res, fmt.Errorf("second start: %w", err)
	}
	return res, nil
}

func shutdown(ctx context.Context, c *lsptest.Client) error {
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// restart starts srv again and measures its start as Typing does.
func restart(ctx context.Context, srv TypingServer, o TypingOptions) (cpu, wall time.Duration, err error) {
	t0 := time.Now()
	c, withStderr, err := startServer(ctx, srv, o.Repo, o.StartTimeout)
	if c == nil {
		return 0, 0, err
	}
	defer c.Close()
	if err == nil {
		err = quiet(ctx, c.Pid())
	}
	if err == nil {
		wall = time.Since(t0)
		cpu, err = processCPU(c.Pid())
	}
	if err == nil {
		err = shutdown(ctx, c)
	}
	if err != nil {
		return 0, 0, withStderr(err)
	}
	return cpu, wall, nil
}

// startServer starts srv in repo, initializes it and waits for its
// start-up work (up to timeout, 5 minutes if 0). The client is nil when
// the process did not start; withStderr adds the tail of its stderr to an
// error.
func startServer(ctx context.Context, srv TypingServer, repo string, timeout time.Duration) (c *lsptest.Client, withStderr func(error) error, err error) {
	c, err = lsptest.Start(ctx, srv.Bin, lsptest.Options{Args: srv.Args, Env: srv.Env, Dir: repo})
	if err != nil {
		return nil, nil, err
	}
	withStderr = func(err error) error {
		if tail := lastLines(c.Stderr(), 10); tail != "" {
			err = fmt.Errorf("%w\n%s stderr:\n%s", err, srv.Name, tail)
		}
		return err
	}
	if _, err := c.Initialize(ctx, lsptest.InitOptions{RootURI: "file://" + repo, Settings: srv.Settings, WorkDoneProgress: srv.Progress}); err != nil {
		return c, withStderr, fmt.Errorf("initialize: %w", err)
	}
	if srv.Ready != nil {
		rctx, cancel := context.WithTimeout(ctx, cmp.Or(timeout, 5*time.Minute))
		err := srv.Ready(rctx, c)
		cancel()
		if err != nil {
			return c, withStderr, fmt.Errorf("waiting for start-up work: %w", err)
		}
	}
	return c, withStderr, nil
}

// waitKeys waits for every keystroke's answer; an error other than a
// cancellation ends the replay.
func waitKeys(ctx context.Context, keys []*keystroke) error {
	for _, k := range keys {
		select {
		case <-k.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if k.err != nil && !isCancelled(k.err) {
			return k.err
		}
	}
	return nil
}

// pauseAnswers counts the pauses, those answered with a suggestion, and
// the time from the keystroke before each to its answer.
func pauseAnswers(keys []*keystroke) (pauses, answered int, toAnswer []time.Duration) {
	for _, k := range keys {
		if !k.pause {
			continue
		}
		pauses++
		if k.err == nil && hasItems(k.result) {
			answered++
			toAnswer = append(toAnswer, k.answered.Sub(k.sent))
		}
	}
	return pauses, answered, toAnswer
}

// quietCPU: a process that spends less than this in quietWindow is done
// with its background work.
const (
	quietWindow = time.Second
	quietCPU    = 30 * time.Millisecond
)

// quiet waits until the process spends less than quietCPU in a quietWindow.
func quiet(ctx context.Context, pid int) error {
	prev, err := processCPU(pid)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(quietWindow):
		}
		now, err := processCPU(pid)
		if err != nil {
			return err
		}
		if now-prev < quietCPU {
			return nil
		}
		prev = now
	}
}

// processCPU is the user+system CPU time of a process so far: the sum of
// its threads' time on a CPU from /proc/PID/task/*/schedstat, in
// nanoseconds (/proc/PID/stat counts in 10 ms ticks, too coarse for a few
// milliseconds a keystroke). Go's threads live as long as the process.
func processCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("process CPU: no threads of process %d", pid)
	}
	var sum time.Duration
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			continue // the thread exited meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) == 0 {
			return 0, fmt.Errorf("process CPU: empty %s", t)
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("process CPU: %w", err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// peakRSS is the process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc status")
}

// PauseQuantile returns the q-quantile of r's pause-to-answer times.
func (r TypingResult) PauseQuantile(q float64) time.Duration {
	return Percentile(slices.Clone(r.PauseToAnswer), q)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// fetchProfile writes the CPU profile of the next d from the pprof
// handlers at base into file.
func fetchProfile(ctx context.Context, base string, d time.Duration, file string) error {
	u := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, int(d.Seconds()+0.5))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("CPU profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CPU profile: %s", resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("CPU profile: %w", err)
	}
	return os.WriteFile(file, data, 0o644)
}
