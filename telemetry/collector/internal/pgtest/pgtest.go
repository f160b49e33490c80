// Package pgtest starts a throw-away PostgreSQL server from the Debian
// packages (/usr/lib/postgresql/*/bin) on a loopback port for tests, one
// per test binary, with a fresh database per test.
//
// Tests skip with a message when the binaries are absent, unless
// GHOSTLINE_PG_TESTS=1 (CI), where absence fails; GHOSTLINE_PG_TESTS=0
// skips them on purpose. GHOSTLINE_PG_URL points
// the tests at an existing server instead (its user must be able to CREATE
// DATABASE).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
)

var (
	once    sync.Once
	baseURL string // server URL without a database
	startE  error
	skipMsg string
	srv     *exec.Cmd
	dir     string
	nextDB  atomic.Int64
)

// BinDir returns the newest /usr/lib/postgresql/<v>/bin holding initdb.
func BinDir() (string, bool) {
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(m) == 0 {
		return "", false
	}
	sort.Slice(m, func(i, j int) bool { return version(m[i]) > version(m[j]) })
	return filepath.Dir(m[0]), true
}

func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// URL returns the URL of a new, empty database on the test server, starting
// the server on first use.
func URL(tb testing.TB) string {
	tb.Helper()
	once.Do(start)
	if skipMsg != "" {
		if os.Getenv("GHOSTLINE_PG_TESTS") == "1" && !strings.HasSuffix(skipMsg, "=0") {
			tb.Fatalf("GHOSTLINE_PG_TESTS=1 but %s", skipMsg)
		}
		tb.Skip(skipMsg)
	}
	if startE != nil {
		tb.Fatalf("start postgres: %v", startE)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), nextDB.Add(1))
	db, err := sql.Open("pgx", baseURL+"/postgres?sslmode=disable")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return baseURL + "/" + name + "?sslmode=disable"
}

func start() {
	if u := os.Getenv("GHOSTLINE_PG_URL"); u != "" {
		p, err := url.Parse(u)
		if err != nil {
			startE = err
			return
		}
		p.Path, p.RawQuery = "", ""
		baseURL = p.String()
		return
	}
	if os.Getenv("GHOSTLINE_PG_TESTS") == "0" {
		skipMsg = "PostgreSQL tests skipped: GHOSTLINE_PG_TESTS=0"
		return
	}
	bin, ok := BinDir()
	if !ok {
		skipMsg = "PostgreSQL tests skipped: no /usr/lib/postgresql/*/bin/initdb (apt-get install -y postgresql)"
		return
	}
	startE = launch(bin)
}

// launch runs initdb and postgres in a temporary directory. As root it
// runs them as the postgres user (postgres refuses to run as root).
func launch(bin string) error {
	var err error
	if dir, err = os.MkdirTemp("", "ghostline-pg-"); err != nil {
		return err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	// Run the binaries themselves as that user (not through runuser or su,
	// which would not pass on the signal that stops the server).
	command := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(filepath.Join(bin, name), args...)
		c.Dir = dir
		if cred != nil {
			c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return c
	}
	data := filepath.Join(dir, "data")
	if out, err := command("initdb", "-D", data, "-U", "ghostline", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// Durability off: these are throw-away test databases.
	srv = command("postgres", "-D", data, "-p", strconv.Itoa(port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return err
	}
	os.Chmod(logf.Name(), 0o666)
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	baseURL = fmt.Sprintf("postgres://ghostline@127.0.0.1:%d", port)
	db, err := sql.Open("pgx", baseURL+"/postgres?sslmode=disable")
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			return fmt.Errorf("postgres did not start: %w\n%s", err, strings.TrimSpace(string(log)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Main runs the tests and stops the server they started: call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if srv != nil && srv.Process != nil {
		srv.Process.Signal(os.Interrupt) // fast shutdown
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			srv.Process.Kill()
		}
	}
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}
