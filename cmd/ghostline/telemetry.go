package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/ranker/offline"
	"github.com/ghostline/ghostline/telemetry"
)

var telemetryGroup = newGroup("telemetry", "the local telemetry log: stats, export --jsonl, purge (telemetry <what> -h)")

func init() {
	telemetryGroup.add(command{name: "stats", summary: "counts, acceptance and survival from the local telemetry log",
		run: func(ctx context.Context, args []string) error { return runTelemetryStats(ctx, args, os.Stdout) }})
	telemetryGroup.add(command{name: "export", summary: "write the local telemetry log as JSON lines",
		run: func(ctx context.Context, args []string) error { return runTelemetryExport(ctx, args, os.Stdout) }})
	telemetryGroup.add(command{name: "purge", summary: "delete old events from the local telemetry log",
		run: func(ctx context.Context, args []string) error { return runTelemetryPurge(ctx, args, os.Stdout) }})
}

const dbFlagHelp = "telemetry database (default telemetry.path, else $XDG_DATA_HOME/ghostline/telemetry.db)"

func runTelemetryStats(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("telemetry stats", "")
	db := fs.String("db", "", dbFlagHelp)
	since := fs.String("since", "", "only events this recent, e.g. 24h or 7d (default all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, from, err := openSince(ctx, *db, *since)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Stats(ctx, from)
	if err != nil {
		return err
	}
	writeTelemetryStats(w, st.Path(), *since, s)
	return nil
}

func writeTelemetryStats(w io.Writer, path, since string, s telemetry.Stats) {
	span := "all events"
	if since != "" {
		span = "events of the last " + since
	}
	fmt.Fprintf(w, "%s (%.1f MB), %s: %d", path, float64(s.SizeBytes)/(1<<20), span, s.Events)
	if s.Events > 0 {
		fmt.Fprintf(w, ", %s to %s", s.First.Format(time.DateTime), s.Last.Format(time.DateTime))
	}
	fmt.Fprintln(w)
	if s.Events == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nkind\tevents")
	for _, k := range s.Kinds {
		fmt.Fprintf(tw, "%s\t%d\n", k.Kind, k.Count)
	}
	fmt.Fprintln(tw, "\nlanguage\tshown\taccepted\trate")
	for _, l := range s.Languages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\n", cmp.Or(l.Language, "(none)"), l.Shown, l.Accepted, 100*l.AcceptRate)
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%.1f%%\n", s.Shown, s.Accepted, 100*s.AcceptRate)
	if len(s.Survival) > 0 {
		fmt.Fprintln(tw, "\nsurvival after\tmeasured\tmean")
		for _, v := range s.Survival {
			fmt.Fprintf(tw, "%s\t%d\t%.3f\n", afterLabel(v.AfterS), v.Count, v.Mean)
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\naccepted counts full and partial accepts, once per suggestion; survival is the edit similarity of accepted text with what is in the document later")
}

// afterLabel writes a checkpoint as 30s or 2m.
func afterLabel(s int) string {
	if s >= 60 && s%60 == 0 {
		return fmt.Sprintf("%dm", s/60)
	}
	return fmt.Sprintf("%ds", s)
}

func runTelemetryExport(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("telemetry export", "")
	db := fs.String("db", "", dbFlagHelp)
	jsonl := fs.Bool("jsonl", false, "JSON lines, one event each (the only format; required)")
	since := fs.String("since", "", "only events this recent, e.g. 24h or 7d (default all)")
	out := fs.String("out", "", "file to write (default standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*jsonl {
		return fmt.Errorf("%w: give --jsonl (the only export format)", errUsage)
	}
	st, from, err := openSince(ctx, *db, *since)
	if err != nil {
		return err
	}
	defer st.Close()
	if *out == "" {
		_, err := st.Export(ctx, w, from)
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	n, err := st.Export(ctx, f, from)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d events to %s\n", n, *out)
	return nil
}

func runTelemetryPurge(ctx context.Context, args []string, w io.Writer) error {
	def := config.Defaults().Telemetry.RetentionDays
	fs := newFlags("telemetry purge", "")
	db := fs.String("db", "", dbFlagHelp)
	olderThan := fs.String("older-than", strconv.Itoa(def)+"d", "delete events older than this, e.g. 30d or 12h")
	all := fs.Bool("all", false, "delete every event")
	err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	before := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) // after any event
	if *all {
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "older-than" {
				err = fmt.Errorf("%w: give --older-than or --all, not both", errUsage)
			}
		})
		if err != nil {
			return err
		}
	} else {
		age, err := parseAge(*olderThan)
		if err != nil {
			return fmt.Errorf("%w: --older-than: %v", errUsage, err)
		}
		before = time.Now().Add(-age)
	}
	st, err := openTelemetry(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Purge(ctx, before)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "deleted %d events from %s\n", n, st.Path())
	return nil
}

// openTelemetry opens an existing telemetry database (path, or the
// default); a command never creates one.
func openTelemetry(ctx context.Context, path string) (*telemetry.Store, error) {
	if path == "" {
		var err error
		if path, err = telemetry.DefaultPath(config.Defaults().Telemetry); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no telemetry database at %s (ghostline serve creates it; --db names another)", path)
		}
		return nil, err
	}
	st, err := telemetry.Open(ctx, path, telemetry.StoreOptions{})
	if err != nil {
		return nil, err
	}
	if n := st.Notice(); n != "" {
		fmt.Fprintln(os.Stderr, "ghostline:", n)
	}
	return st, nil
}

// openSince opens the database for a command with --db and --since flags,
// and turns --since into the earliest time wanted (zero: all).
func openSince(ctx context.Context, db, since string) (*telemetry.Store, time.Time, error) {
	var from time.Time
	if since != "" {
		age, err := parseAge(since)
		if err != nil {
			return nil, from, fmt.Errorf("%w: --since: %v", errUsage, err)
		}
		from = time.Now().Add(-age)
	}
	st, err := openTelemetry(ctx, db)
	return st, from, err
}

// parseAge reads a Go duration or a whole number of days ("7d").
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 12h or 30d", s)
	}
	return d, nil
}

// readTelemetryDataset reads training decisions straight from a telemetry
// database, through the same JSON lines `telemetry export` writes.
func readTelemetryDataset(ctx context.Context, path string) (*offline.Dataset, string, error) {
	st, err := openTelemetry(ctx, path)
	if err != nil {
		return nil, "", err
	}
	defer st.Close()
	ds, err := offline.ReadFrom(ctx, st)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return ds, "telemetry " + path, nil
}
