package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// telemetryDB writes a database of n shown suggestions in two languages,
// every third accepted, the rest rejected, with survival events for the
// accepted ones; half the events are two days old.
func telemetryDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "telemetry.db")
	st, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	var es []telemetry.Event
	for i := range n {
		at := now.Add(-time.Minute)
		if i < n/2 {
			at = now.Add(-48 * time.Hour)
		}
		lang := []string{"go", "python"}[i%2]
		accepted := i%3 == 0
		base := telemetry.Event{SuggestionID: fmt.Sprint("s", i), SessionID: fmt.Sprint("sess", i%4), UserID: "u",
			Language: lang, Time: at, Features: map[string]float64{"prefix_chars": rng.Float64() * 100, "suggestion_chars": float64(i % 40)}}
		add := func(k telemetry.Kind, f func(*telemetry.Event)) {
			e := base
			e.ID, e.Kind = fmt.Sprintf("%s-%s-%d", k, base.SuggestionID, len(es)), k
			if f != nil {
				f(&e)
			}
			es = append(es, e)
		}
		add(telemetry.KindShown, nil)
		if accepted {
			add(telemetry.KindAccepted, nil)
			add(telemetry.KindSurvival, func(e *telemetry.Event) { e.SurvivalAfterS, e.Survival, e.Features = 30, 0.5, nil })
		} else {
			add(telemetry.KindRejected, nil)
		}
	}
	if err := st.Insert(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTelemetryCommands(t *testing.T) {
	ctx := context.Background()
	path := telemetryDB(t, 60) // 60 shown, 20 accepted (10 go, 10 python), 140 events

	var out strings.Builder
	if err := runTelemetryStats(ctx, []string{"--db", path}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{": 140", "shown", "60", "go", "python", "33.3%", "30s", "0.500"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stats lack %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := runTelemetryStats(ctx, []string{"--db", path, "--since", "1d"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "last 1d: 70") {
		t.Errorf("stats --since 1d:\n%s", out.String())
	}

	out.Reset()
	if err := runTelemetryExport(ctx, []string{"--db", path, "--jsonl", "--since", "24h"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var e telemetry.Event
	if len(lines) != 70 || json.Unmarshal([]byte(lines[0]), &e) != nil || e.Kind != telemetry.KindShown {
		t.Errorf("export --since 24h: %d lines, first %q", len(lines), lines[0])
	}
	file := filepath.Join(t.TempDir(), "out.jsonl")
	if err := runTelemetryExport(ctx, []string{"--db", path, "--jsonl", "--out", file}, &out); err != nil {
		t.Fatal(err)
	}
	if n := countLines(t, file); n != 140 {
		t.Errorf("export --out: %d lines, want 140", n)
	}

	// Training reads the database directly.
	ds, source, err := loadDecisions("", path)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, ex := range ds.Examples {
		if ex.Accepted {
			accepted++
		}
	}
	if len(ds.Examples) != 60 || accepted != 20 || !strings.Contains(source, path) {
		t.Errorf("train --from: %d decisions, %d accepted, source %q; want 60, 20", len(ds.Examples), accepted, source)
	}

	out.Reset()
	if err := runTelemetryPurge(ctx, []string{"--db", path, "--older-than", "1d"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "deleted 70 events") {
		t.Errorf("purge --older-than 1d: %s", out.String())
	}
	out.Reset()
	if err := runTelemetryPurge(ctx, []string{"--db", path, "--all"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "deleted 70 events") {
		t.Errorf("purge --all: %s", out.String())
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}

func TestTelemetryCommandErrors(t *testing.T) {
	ctx := context.Background()
	path := telemetryDB(t, 3)
	missing := filepath.Join(t.TempDir(), "none.db")
	for _, tc := range []struct {
		name  string
		run   func(context.Context, []string, io.Writer) error
		args  []string
		usage bool
		want  string
	}{
		{"export without --jsonl", runTelemetryExport, []string{"--db", path}, true, "--jsonl"},
		{"bad --since", runTelemetryStats, []string{"--db", path, "--since", "soon"}, true, "soon"},
		{"purge both ways", runTelemetryPurge, []string{"--db", path, "--all", "--older-than", "1d"}, true, "not both"},
		{"no database", runTelemetryStats, []string{"--db", missing}, false, "no telemetry database at " + missing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			err := tc.run(ctx, tc.args, &out)
			if err == nil || errors.Is(err, errUsage) != tc.usage || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want usage %v, mentioning %q", err, tc.usage, tc.want)
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a command created %s", missing)
	}
	// The editor end-to-end scripts probe for the subcommand with -h.
	var stderr strings.Builder
	if code := run(ctx, []string{"telemetry", "export", "-h"}, &stderr); code != 0 {
		t.Errorf("telemetry export -h: exit %d", code)
	}
}
