package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ghostline/ghostline/telemetry/collector"
)

func init() {
	register(command{name: "dashboard", summary: "run the team telemetry collector and its web page; manage its tokens (dashboard token|team -h)", run: runDashboard})
	benchGroup.add(command{name: "dashboard", summary: "collector ingestion throughput (sent vs stored) and page query latency", run: runBenchDashboard})
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "collector database: a SQLite `FILE` or a postgres:// URL (default $XDG_DATA_HOME/ghostline/collector.db)")
}

// openCollectorDB opens the collector database dsn (default: the user's
// collector.db) and names it for messages: the absolute file, or the URL
// without its password.
func openCollectorDB(ctx context.Context, dsn string) (*collector.Store, string, error) {
	if dsn == "" {
		p, err := collector.DefaultPath()
		if err != nil {
			return nil, "", err
		}
		dsn = p
	}
	where := dsn
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" && u.Host != "" {
		where = u.Redacted()
	} else if abs, err := filepath.Abs(dsn); err == nil {
		where = abs
	}
	st, err := collector.Open(ctx, dsn)
	return st, where, err
}

func runDashboard(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "token":
			return tokenGroup.run(ctx, args[1:])
		case "team":
			return runDashboardTeam(ctx, args[1:])
		}
	}
	fs := newFlags("dashboard", "\n       ghostline dashboard token add|list|revoke ...\n       ghostline dashboard team NAME --hide-members")
	listen := fs.String("listen", "127.0.0.1:8750", "serve HTTP at `ADDR`")
	db := dbFlag(fs)
	publicRead := fs.Bool("public-read", false, "anyone who can reach the page may view it without a token")
	loopbackRead := fs.Bool("loopback-read", true, "clients on this machine may view without a token (set false behind a reverse proxy)")
	acceptText := fs.Bool("accept-text", false, "store prompt/suggestion text from members who opted in (off: stripped on arrival)")
	ratePerToken := fs.Float64("rate", 500, "sustained events/s allowed per member token")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	closeLog, err := setupLogging("", *logLevel)
	if err != nil {
		return err
	}
	defer closeLog()
	st, where, err := openCollectorDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	tokens, err := st.ListTokens(ctx)
	if err != nil {
		return err
	}
	valid := 0
	for _, t := range tokens {
		if t.Revoked.IsZero() {
			valid++
		}
	}
	// On stderr whatever the log level: uploads fail with 401 when the
	// tokens were added to another database.
	fmt.Fprintf(os.Stderr, "ghostline dashboard: database %s, %d valid tokens (token commands take the same --db)\n", where, valid)
	srv := collector.NewServer(st, collector.Options{AcceptText: *acceptText, PublicRead: *publicRead, LoopbackRead: *loopbackRead, RatePerToken: *ratePerToken})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	view := "token required"
	switch {
	case *publicRead:
		view = "public"
	case *loopbackRead:
		view = "loopback without token, others with a token"
	}
	slog.Info("dashboard: serving", "url", "http://"+ln.Addr().String()+"/", "db", st.Dialect(), "view", view, "acceptText", *acceptText)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tokenGroup is `dashboard token add|list|revoke`.
var tokenGroup = &group{name: "dashboard token", subs: map[string]command{}}

func init() {
	for _, c := range []command{
		{name: "add", summary: "a member's upload token: add NAME [--team T] [--viewer] [--db D] (printed once)"},
		{name: "list", summary: "every token: id, name, team, role, created, revoked [--db D]"},
		{name: "revoke", summary: "take a token back: revoke ID|NAME [--db D]"},
	} {
		sub := c.name
		c.run = func(ctx context.Context, args []string) error { return runDashboardToken(ctx, sub, args) }
		tokenGroup.add(c)
	}
}

func runDashboardToken(ctx context.Context, sub string, args []string) error {
	fs := newFlags("dashboard token "+sub, "")
	db := dbFlag(fs)
	team := fs.String("team", "", "the member's team (add)")
	viewer := fs.Bool("viewer", false, "a token that may only view the page (add)")
	// Flags may follow the name: ghostline dashboard token add alice --team core.
	var pos []string
	for len(args) > 0 {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if wantArgs := map[string]int{"add": 1, "list": 0, "revoke": 1}[sub]; len(pos) != wantArgs {
		return fmt.Errorf("%w: ghostline dashboard token add NAME [--team T] [--viewer] | list | revoke ID|NAME (got %s %s)", errUsage, sub, strings.Join(pos, " "))
	}
	st, where, err := openCollectorDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		role := collector.RoleMember
		if *viewer {
			role = collector.RoleViewer
		}
		tok, info, err := st.AddToken(ctx, pos[0], *team, role)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s token %s for %q (team %q) in %s; it is shown once, only its hash is stored:\n", role, info.ID, info.Name, info.Team, where)
		fmt.Println(tok)
		return nil
	case "list":
		list, err := st.ListTokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tTEAM\tROLE\tCREATED\tREVOKED")
		for _, t := range list {
			revoked := ""
			if !t.Revoked.IsZero() {
				revoked = t.Revoked.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Team, t.Role, t.Created.Format(time.DateTime), revoked)
		}
		return tw.Flush()
	default: // revoke
		n, err := st.RevokeToken(ctx, pos[0])
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no valid token with id or name %q", pos[0])
		}
		fmt.Fprintf(os.Stderr, "revoked %d token(s) in %s\n", n, where)
		return nil
	}
}

func runDashboardTeam(ctx context.Context, args []string) error {
	fs := newFlags("dashboard team", "NAME --hide-members[=false]")
	db := dbFlag(fs)
	hide := fs.Bool("hide-members", false, "show this team's members on the page only in aggregate")
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if name == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: ghostline dashboard team NAME --hide-members[=false]", errUsage)
	}
	st, _, err := openCollectorDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.SetTeam(ctx, name, *hide)
}

func runBenchDashboard(ctx context.Context, args []string) error {
	fs := newFlags("bench dashboard", "")
	db := fs.String("db", "", "collector database: a SQLite `FILE` (default: a temporary one) or a postgres:// URL")
	duration := fs.Duration("duration", 60*time.Second, "ingestion load duration (0: skip the ingestion test)")
	rate := fs.Float64("rate", 2000, "target events/s over all uploaders (0: as fast as possible)")
	members := fs.Int("members", 20, "concurrent uploaders (one token each)")
	batch := fs.Int("batch", 50, "events per request")
	fill := fs.Int("fill", 0, "first store this many synthetic events in bulk (e.g. 5000000), then time the page's queries")
	runs := fs.Int("query-runs", 100, "page builds to time")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the --fill to `FILE` (for go tool pprof)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dsn, scratch := *db, *db == ""
	if scratch {
		dir, err := os.MkdirTemp("", "ghostline-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = dir + "/collector.db"
	}
	st, err := collector.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Printf("store: %s\n", st.Dialect())
	if *duration > 0 {
		res, err := collector.LoadTest(ctx, st, collector.LoadOptions{Duration: *duration, Rate: *rate, Members: *members, Batch: *batch})
		fmt.Printf("ingestion (%d uploaders, batches of %d, target %.0f events/s): %s\n", *members, *batch, *rate, res)
		if err != nil {
			return err
		}
		if res.Sent != res.Stored || res.Stored != res.Counted {
			return fmt.Errorf("sent %d, stored %d, counted %d", res.Sent, res.Stored, res.Counted)
		}
	}
	if *fill > 0 {
		t0 := time.Now()
		last := time.Now()
		fmt.Fprintf(os.Stderr, "filling %d synthetic events (progress every 5 s)\n", *fill)
		stopProfile, err := startProfiles(*cpuprofile, "")
		if err != nil {
			return err
		}
		// A bulk load allocates fast and keeps little: collect a quarter as
		// often (GC took a seventh of the fill's CPU), within 2 GiB.
		gcPercent, memLimit := debug.SetGCPercent(400), debug.SetMemoryLimit(2<<30)
		n, err := collector.Fill(ctx, st, collector.FillOptions{Events: *fill, Members: 200, Teams: 10, Days: 90, Seed: 1, Scratch: scratch}, func(done int) {
			if time.Since(last) > 5*time.Second {
				last = time.Now()
				rate := float64(done) / time.Since(t0).Seconds()
				eta := time.Duration(float64(max(*fill-done, 0)) / rate * float64(time.Second))
				fmt.Fprintf(os.Stderr, "filled %d of %d events (%.0f%%, %.0f/s), about %s left\n", done, *fill, 100*float64(done)/float64(*fill), rate, eta.Round(time.Second))
			}
		})
		stopProfile()
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memLimit)
		if err != nil {
			return err
		}
		fmt.Printf("filled %d events in %s (%.0f events/s)\n", n, time.Since(t0).Round(time.Second), float64(n)/time.Since(t0).Seconds())
	}
	if *fill > 0 || *duration == 0 {
		q, err := collector.QueryBench(ctx, st, *runs)
		if err != nil {
			return err
		}
		fmt.Printf("page data (%d events, %d daily roll-up rows), %d builds: p50 %s, p95 %s, max %s\n",
			q.Events, q.RollupRows, q.Runs, q.P50.Round(time.Microsecond), q.P95.Round(time.Microsecond), q.Max.Round(time.Microsecond))
	}
	return nil
}
