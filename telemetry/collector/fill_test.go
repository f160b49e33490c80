package collector

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/telemetry"
)

// TestFillRollsUpAsIngestion: Fill's in-memory roll-ups leave every
// roll-up table exactly as ingesting the same events and rolling them up
// does (TestReportMatchesRawEvents checks that path against raw events).
// The fill spans several slabs (transactions).
func TestFillRollsUpAsIngestion(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { fillSlab = n }(fillSlab)
	fillSlab = 1500
	open := func(name string) *Store {
		st, err := Open(ctx, filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	opt := FillOptions{Events: 10000, Members: 2, Teams: 2, Days: 5, Seed: 7, Scratch: true}
	filled, ingested := open("fill.db"), open("ingest.db")
	n, err := Fill(ctx, filled, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The same events, as Fill generates them, through Ingest.
	syn := fillSynth(opt)
	members := syn.Members()
	byMember := make([][]telemetry.Event, len(members))
	for sent := 0; sent < opt.Events; {
		mi, evs := syn.Next()
		byMember[mi] = append(byMember[mi], evs...)
		sent += len(evs)
	}
	stored := 0
	for i, evs := range byMember {
		res, err := ingested.Ingest(ctx, members[i], evs, false)
		if err != nil {
			t.Fatal(err)
		}
		stored += res.Accepted
	}
	if n != stored {
		t.Fatalf("filled %d events, ingested %d", n, stored)
	}
	if _, err := ingested.RollUpPending(ctx); err != nil {
		t.Fatal(err)
	}
	tables := []string{"accepted_max", "dimensions"}
	for _, sp := range append(slices.Clone(countSpecs), latencySpecs...) {
		tables = append(tables, sp.table)
	}
	for _, table := range tables {
		got, want := dumpTable(t, filled, table), dumpTable(t, ingested, table)
		if len(want) == 0 {
			t.Errorf("%s: empty after ingestion", table)
		}
		if !slices.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want))-1 && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: fill has %d rows, ingestion %d; first difference:\n%s\n%s", table, len(got), len(want), got[i], want[i])
		}
	}
	var journal string
	if err := filled.w.QueryRow(`PRAGMA journal_mode`).Scan(&journal); err != nil || journal != "wal" {
		t.Errorf("journal mode after the fill: %q (%v), want wal", journal, err)
	}
	var pending int
	if err := filled.r.QueryRow(`SELECT COUNT(*) FROM events WHERE rolled = 0`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("%d filled events left pending (%v)", pending, err)
	}
}

// dumpTable returns table's rows, each formatted as one string, sorted,
// with floating-point sums to 10 significant digits.
func dumpTable(t *testing.T, st *Store, table string) []string {
	rs, err := st.r.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if f, ok := v.(float64); ok {
				vals[i] = fmt.Sprintf("%.10g", f) // sums in another order differ in the last bits
			}
		}
		out = append(out, strings.TrimSpace(fmt.Sprintln(vals...)))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
