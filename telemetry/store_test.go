package telemetry_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/upload"
)

// The store is the uploader's source.
var _ upload.Source = (*telemetry.Store)(nil)

var t0 = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)

func openStore(t *testing.T, path string) *telemetry.Store {
	t.Helper()
	st, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// event returns a fully populated event, so that round trips cover every field.
func event(i int, kind telemetry.Kind, at time.Time) telemetry.Event {
	return telemetry.Event{
		ID: fmt.Sprintf("e%04d", i), Kind: kind, Time: at, SuggestionID: fmt.Sprintf("s%d", i/3),
		SessionID: "sess", UserID: "user", Repo: "repo", Language: "go", Model: "m", Invoked: i%2 == 0,
		LatencyMs:   map[telemetry.Stage]float64{"total": 12.5, "model": 10.25},
		PromptChars: 100 + i, SuggestionChars: 10, SuggestionLines: 1,
		Prob: 0.25, Threshold: 0.125, Features: map[string]float64{"prefixLen": 42, "typingSpeed": 3.5},
		AcceptedChars: 3, AcceptedWords: 1, AcceptedLines: 1, SurvivalAfterS: 30, Survival: 0.75, TypedChars: 7,
		Error: "boom", PromptHash: "ph", SuggestionHash: "sh", PromptText: "func main() {", SuggestionText: "\n}",
	}
}

func events(n int, at time.Time) []telemetry.Event {
	var es []telemetry.Event
	for i := range n {
		es = append(es, event(i, telemetry.KindShown, at.Add(time.Duration(i)*time.Second)))
	}
	return es
}

func readAll(t *testing.T, st *telemetry.Store) []telemetry.Event {
	t.Helper()
	es, _, err := st.ReadAfter(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path+"?_busy_timeout=2000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	var v int
	if err := rawDB(t, path).QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "telemetry.db")
	st := openStore(t, path)
	var mode string
	if err := rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	v := userVersion(t, path)
	if v < 1 {
		t.Fatalf("user_version %d after migrating", v)
	}
	if err := st.Insert(context.Background(), events(3, t0)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Reopening migrates nothing and keeps the data.
	st = openStore(t, path)
	if got := len(readAll(t, st)); got != 3 {
		t.Errorf("after reopening: %d events, want 3", got)
	}
	if got := userVersion(t, path); got != v {
		t.Errorf("user_version %d after reopening, want %d", got, v)
	}

	// A failing step leaves the database as it was: the step is one transaction.
	st.Close()
	base := telemetry.Migrations()
	telemetry.SetMigrations(t, append(base, `CREATE TABLE extra (x); CREATE TABLE events (x)`))
	if _, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{}); err == nil ||
		!strings.Contains(err.Error(), fmt.Sprintf("migration %d", v+1)) {
		t.Fatalf("failing migration: error %v", err)
	}
	if got := userVersion(t, path); got != v {
		t.Errorf("user_version %d after a failed migration, want %d", got, v)
	}
	var n int
	if err := rawDB(t, path).QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table of the failed migration exists (%d, %v)", n, err)
	}
	telemetry.SetMigrations(t, append(base, `CREATE TABLE extra (x)`))
	st = openStore(t, path)
	if got := userVersion(t, path); got != v+1 {
		t.Errorf("user_version %d after a new migration, want %d", got, v+1)
	}
	if got := len(readAll(t, st)); got != 3 {
		t.Errorf("after a new migration: %d events, want 3", got)
	}
}

func TestInsertIsIdempotent(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	ctx := context.Background()
	batch := events(5, t0)
	for range 2 {
		if err := st.Insert(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	// Overlapping batch, and a duplicate inside one batch.
	if err := st.Insert(ctx, append(events(7, t0)[3:], batch[0])); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, st)
	if len(got) != 7 {
		t.Fatalf("%d events stored, want 7", len(got))
	}
	for i, e := range got {
		if want := fmt.Sprintf("e%04d", i); e.ID != want {
			t.Errorf("event %d has id %s, want %s", i, e.ID, want)
		}
	}
	// Events without id or time are kept apart, not merged.
	if err := st.Insert(ctx, []telemetry.Event{{Kind: telemetry.KindError}, {Kind: telemetry.KindError}}); err != nil {
		t.Fatal(err)
	}
	got = readAll(t, st)
	if len(got) != 9 || got[7].ID == "" || got[7].ID == got[8].ID || got[8].Time.IsZero() {
		t.Errorf("events without ids: %+v", got[7:])
	}
}

func TestReadAfterPages(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	ctx := context.Background()
	if err := st.Insert(ctx, events(25, t0)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	cursor := int64(0)
	for _, want := range []int{10, 10, 5, 0} {
		es, next, err := st.ReadAfter(ctx, cursor, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != want || (want > 0 && next <= cursor) || (want == 0 && next != cursor) {
			t.Fatalf("page after %d: %d events, cursor %d; want %d events", cursor, len(es), next, want)
		}
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		cursor = next
	}
	for i, id := range ids {
		if want := fmt.Sprintf("e%04d", i); id != want {
			t.Fatalf("event %d is %s, want %s (oldest first)", i, id, want)
		}
	}
	// The cursor never goes back, even when everything was purged.
	if _, err := st.Purge(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Insert(ctx, []telemetry.Event{event(99, telemetry.KindShown, t0)}); err != nil {
		t.Fatal(err)
	}
	es, next, err := st.ReadAfter(ctx, cursor, 10)
	if err != nil || len(es) != 1 || next <= cursor {
		t.Errorf("after purge: %d events, cursor %d → %d, %v", len(es), cursor, next, err)
	}
}

func TestState(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	ctx := context.Background()
	if v, err := st.GetState(ctx, "k"); err != nil || v != "" {
		t.Fatalf("unset state: %q, %v", v, err)
	}
	for _, want := range []string{"1", "two"} {
		if err := st.SetState(ctx, "k", want); err != nil {
			t.Fatal(err)
		}
		if v, err := st.GetState(ctx, "k"); err != nil || v != want {
			t.Errorf("state %q, %v; want %q", v, err, want)
		}
	}
}

func TestExportRoundTrip(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	ctx := context.Background()
	in := events(6, t0)
	if err := st.Insert(ctx, in); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		since time.Time
		want  []telemetry.Event
	}{
		{time.Time{}, in},
		{t0.Add(2 * time.Second), in[2:]},
		{t0.Add(time.Hour), nil},
	} {
		var buf bytes.Buffer
		n, err := st.Export(ctx, &buf, tc.since)
		if err != nil {
			t.Fatal(err)
		}
		var got []telemetry.Event
		sc := bufio.NewScanner(&buf)
		for sc.Scan() {
			var e telemetry.Event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			got = append(got, e)
		}
		if n != len(got) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("since %v: exported %d\n%+v\nwant\n%+v", tc.since, n, got, tc.want)
		}
	}
}

func TestPurge(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	ctx := context.Background()
	if err := st.Insert(ctx, events(10, t0)); err != nil {
		t.Fatal(err)
	}
	n, err := st.Purge(ctx, t0.Add(4*time.Second))
	if err != nil || n != 4 {
		t.Fatalf("purged %d, %v; want 4", n, err)
	}
	got := readAll(t, st)
	if len(got) != 6 || got[0].ID != "e0004" {
		t.Errorf("left %d events starting with %v", len(got), got[0].ID)
	}
}

func TestStats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st := openStore(t, path)
	ctx := context.Background()
	ev := func(kind telemetry.Kind, sid, lang string, at time.Time) telemetry.Event {
		return telemetry.Event{Kind: kind, SuggestionID: sid, Language: lang, Time: at}
	}
	survival := func(sid string, after int, v float64) telemetry.Event {
		e := ev(telemetry.KindSurvival, sid, "go", t0)
		e.SurvivalAfterS, e.Survival = after, v
		return e
	}
	old := t0.Add(-48 * time.Hour)
	in := []telemetry.Event{
		ev(telemetry.KindShown, "a", "go", t0), ev(telemetry.KindAccepted, "a", "go", t0),
		ev(telemetry.KindShown, "b", "go", t0), ev(telemetry.KindPartial, "b", "go", t0), ev(telemetry.KindPartial, "b", "go", t0),
		ev(telemetry.KindShown, "c", "go", t0), ev(telemetry.KindRejected, "c", "go", t0),
		ev(telemetry.KindShown, "d", "python", t0), ev(telemetry.KindUnseen, "d", "python", t0),
		survival("a", 30, 1), survival("b", 30, 0.5), survival("a", 120, 0.25),
		ev(telemetry.KindShown, "old", "python", old), ev(telemetry.KindAccepted, "old", "python", old),
	}
	if err := st.Insert(ctx, in); err != nil {
		t.Fatal(err)
	}
	s, err := st.Stats(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s.Events != 12 || s.Shown != 4 || s.Accepted != 2 || s.AcceptRate != 0.5 {
		t.Errorf("events %d shown %d accepted %d rate %v; want 12 4 2 0.5", s.Events, s.Shown, s.Accepted, s.AcceptRate)
	}
	wantKinds := []telemetry.KindCount{{telemetry.KindShown, 4}, {telemetry.KindSurvival, 3}, {telemetry.KindPartial, 2},
		{telemetry.KindAccepted, 1}, {telemetry.KindRejected, 1}, {telemetry.KindUnseen, 1}}
	if !reflect.DeepEqual(s.Kinds, wantKinds) {
		t.Errorf("kinds %v, want %v", s.Kinds, wantKinds)
	}
	wantLang := []telemetry.LanguageStats{{"go", 3, 2, 2.0 / 3}, {"python", 1, 0, 0}}
	if !reflect.DeepEqual(s.Languages, wantLang) {
		t.Errorf("languages %+v, want %+v", s.Languages, wantLang)
	}
	wantSurv := []telemetry.SurvivalStats{{30, 2, 0.75}, {120, 1, 0.25}}
	if !reflect.DeepEqual(s.Survival, wantSurv) {
		t.Errorf("survival %+v, want %+v", s.Survival, wantSurv)
	}
	fi, err := os.Stat(path)
	if err != nil || s.SizeBytes < fi.Size() {
		t.Errorf("size %d, file %v", s.SizeBytes, fi.Size())
	}
	all, err := st.Stats(ctx, time.Time{})
	if err != nil || all.Events != 14 || all.Shown != 5 || all.Accepted != 3 || !all.First.Equal(old.Truncate(time.Millisecond)) {
		t.Errorf("all time: %+v, %v", all, err)
	}
}

// filledDB writes a closed database of a few hundred kilobytes at path.
func filledDB(t *testing.T, path string) {
	t.Helper()
	st, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Insert(context.Background(), events(2000, t0)); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptFileIsMovedAside(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"random bytes", func(t *testing.T, path string) {
			b := make([]byte, 64<<10)
			rand.Read(b)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated", func(t *testing.T, path string) {
			filledDB(t, path)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"damaged pages", func(t *testing.T, path string) {
			filledDB(t, path)
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			junk := make([]byte, 16<<10)
			rand.Read(junk)
			if _, err := f.WriteAt(junk, 64<<10); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "telemetry.db")
			tc.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t, path)
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("moved aside: %v", aside)
			}
			if got, err := os.ReadFile(aside[0]); err != nil || !bytes.Equal(got, before) {
				t.Errorf("the corrupt file was not kept as it was (%v)", err)
			}
			if n := st.Notice(); !strings.Contains(n, aside[0]) || !strings.Contains(n, "corrupt") {
				t.Errorf("notice %q does not name %s", n, aside[0])
			}
			if err := st.Insert(context.Background(), events(3, t0)); err != nil {
				t.Fatal(err)
			}
			if got := len(readAll(t, st)); got != 3 {
				t.Errorf("new database holds %d events, want 3", got)
			}
			st.Close()
			// The new database is fine: reopening says nothing.
			if st := openStore(t, path); st.Notice() != "" {
				t.Errorf("second open: notice %q", st.Notice())
			}
		})
	}
}

func TestNewerSchemaIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st := openStore(t, path)
	if err := st.Insert(context.Background(), events(1, t0)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := rawDB(t, path).Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	_, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{})
	if !errors.Is(err, telemetry.ErrNewerSchema) || !strings.Contains(err.Error(), "999") {
		t.Fatalf("error %v, want ErrNewerSchema naming version 999", err)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) > 0 {
		t.Errorf("a newer database was moved aside: %v", aside)
	}
}

func TestUnwritableFolderIsAnError(t *testing.T) {
	t.Run("read-only folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			// Permissions do not stop root; the immutable attribute does.
			if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
				t.Skipf("running as root and chattr +i failed: %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
		}
		_, err := telemetry.Open(context.Background(), filepath.Join(dir, "telemetry.db"), telemetry.StoreOptions{})
		if err == nil {
			t.Fatal("opened a database in a read-only folder")
		}
		t.Log(err)
	})
	t.Run("folder is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := telemetry.Open(context.Background(), filepath.Join(file, "telemetry.db"), telemetry.StoreOptions{})
		if err == nil || !strings.Contains(err.Error(), "create folder") {
			t.Fatalf("error %v, want one about the folder", err)
		}
	})
}

func TestLockedDatabaseIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	// A database in rollback-journal mode that another connection holds
	// exclusively: nothing else can even read it.
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE x (y)`); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE; INSERT INTO x VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = telemetry.Open(context.Background(), path, telemetry.StoreOptions{BusyTimeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("error %v, want database is locked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open waited %v for the lock", d)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) > 0 {
		t.Errorf("a locked database was moved aside: %v", aside)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if p, err := telemetry.DefaultPath(config.Telemetry{}); err != nil || p != "/data/ghostline/telemetry.db" {
		t.Errorf("default path %q, %v", p, err)
	}
	if p, err := telemetry.DefaultPath(config.Telemetry{Path: "/x/t.db"}); err != nil || p != "/x/t.db" {
		t.Errorf("telemetry.path: %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, err := telemetry.DefaultPath(config.Telemetry{}); err != nil || p != "/home/u/.local/share/ghostline/telemetry.db" {
		t.Errorf("without XDG_DATA_HOME: %q, %v", p, err)
	}
}
