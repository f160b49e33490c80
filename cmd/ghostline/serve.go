package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime/pprof"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/retrieval"
)

func init() {
	register(command{name: "serve", summary: "run the LSP server over stdio (or TCP with --listen)", run: runServe})
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "")
	listen := fs.String("listen", "", "serve over TCP at `ADDR` (e.g. 127.0.0.1:7777), one session per connection, instead of stdio")
	logFile := fs.String("log-file", "", "append logs to `FILE` instead of stderr")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole session to `FILE` (for go tool pprof)")
	memprofile := fs.String("memprofile", "", "write a heap profile to `FILE` when the session ends")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof at `ADDR` (a loopback address, e.g. 127.0.0.1:6060) to profile a running session")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	closeLog, err := setupLogging(*logFile, *logLevel)
	if err != nil {
		return err
	}
	defer closeLog()
	stopProfiles, err := startProfiles(*cpuprofile, *memprofile)
	if err != nil {
		return err
	}
	defer stopProfiles()
	if *pprofAddr != "" {
		if err := servePprof(ctx, *pprofAddr); err != nil {
			return err
		}
	}
	// Indexing happens while the user types: it must not take every core.
	retrieval.Background()
	if *listen != "" {
		return serveTCP(ctx, *listen)
	}
	// stdout is the LSP channel: anything else printing there would corrupt
	// it, so the rest of the process gets stderr as its stdout.
	out := os.Stdout
	os.Stdout = os.Stderr
	return lsp.New(openSession, version).Serve(ctx, stdio{out})
}

func serveTCP(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(os.Stderr, "ghostline: listening on %s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accept: %w", err)
		}
		go func() {
			slog.Info("serve: client connected", "remote", conn.RemoteAddr())
			err := lsp.New(openSession, version).Serve(ctx, conn)
			if err != nil && !errors.Is(err, lsp.ErrNoShutdown) {
				slog.Warn("serve: session ended", "remote", conn.RemoteAddr(), "err", err)
			}
		}()
	}
}

// openSession opens the engine for the workspace the client names.
func openSession(ctx context.Context, root string, s config.Settings, r lsp.Reporter) (*lsp.Session, error) {
	e, err := engine.Open(ctx, root, s, r)
	if err != nil {
		return nil, err
	}
	return &lsp.Session{Core: e, ModelName: e.ModelName, Close: e.Close}, nil
}

// stdio is the LSP channel over the process's stdin and stdout.
type stdio struct{ out *os.File }

func (stdio) Read(p []byte) (int, error)    { return os.Stdin.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.out.Write(p) }
func (s stdio) Close() error {
	os.Stdin.Close()
	return s.out.Close()
}

// startProfiles starts a CPU profile into cpu and returns what ends it and
// writes the heap profile into mem; either name may be empty.
func startProfiles(cpu, mem string) (stop func(), err error) {
	var cpuFile *os.File
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			cpuFile.Close()
			return nil, err
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return
		}
		f, err := os.Create(mem)
		if err == nil {
			err = errors.Join(pprof.Lookup("heap").WriteTo(f, 0), f.Close())
		}
		if err != nil {
			slog.Warn("serve: heap profile", "err", err)
		}
	}, nil
}

// servePprof serves the runtime profiles at addr, which must be a loopback
// address: profiles show code and paths.
func servePprof(ctx context.Context, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: --pprof %q: want a loopback IP address and port", errUsage, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	context.AfterFunc(ctx, func() { srv.Close() })
	return nil
}
