package builtin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/ghostline/ghostline/model"
)

// A model loaded from its snapshot answers exactly as the one saved, keeps
// the caller's tags, and can still forget and relearn its files.
// A restored model pruned past MaxNgrams keeps working and stays bounded.
func TestSnapshotPrune(t *testing.T) {
	o := Options{MaxNgrams: 400}
	m := trained(t, o)
	var buf bytes.Buffer
	if err := m.Save(&buf, nil); err != nil {
		t.Fatal(err)
	}
	got := New(o)
	if _, err := got.Restore(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		got.Learn(fmt.Sprintf("more%d.go", i), []byte(fmt.Sprintf("package web\n\nfunc more%d(a, b int) int { return a*%d + b }\n", i, i)))
	}
	st := got.Stats()
	if st.Pruned == 0 || st.Contexts+st.Overflow > 400 {
		t.Errorf("after pruning: %+v", st)
	}
	n := 0
	got.tab.eachCtx(func(uint64, entry) { n++ })
	if n != st.Contexts {
		t.Errorf("%d live contexts, Stats says %d", n, st.Contexts)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	m := trained(t, Options{})
	m.Learn("util.py", []byte("def add(a, b):\n    return a + b\n"))
	tags := map[string]string{"h0.go": "sum0", "util.py": "sum-py"}
	var buf bytes.Buffer
	if err := m.Save(&buf, tags); err != nil {
		t.Fatal(err)
	}
	got := New(Options{})
	gotTags, err := got.Restore(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Stats() != m.Stats() {
		t.Errorf("stats %+v, want %+v", got.Stats(), m.Stats())
	}
	if gotTags["h0.go"] != "sum0" || gotTags["util.py"] != "sum-py" || gotTags["h1.go"] != "" || len(gotTags) != len(m.files) {
		t.Errorf("tags %v", gotTags)
	}
	reqs := []model.Request{
		{Prefix: "package web\n\nfunc g() {\n\tif err := r.Parse", Suffix: "\n}\n", Language: "go", SingleLine: true},
		{Prefix: "package web\n\nfunc g(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\thttp.Error(w, err.Error(), http.StatusBadRequest)\n\t\t", Suffix: "\n}\n", Language: "go"},
		{Prefix: "def f(x, y):\n    return ", Language: "python", SingleLine: true},
	}
	same := func(when string) {
		t.Helper()
		for _, r := range reqs {
			a, err1 := m.Complete(context.Background(), r)
			b, err2 := got.Complete(context.Background(), r)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("%s: saved model %+v (%v), loaded %+v (%v)", when, a, err1, b, err2)
			}
		}
	}
	same("loaded")
	// The tables are read where they lie in aligned data, and from a copy
	// of data that is not aligned for them.
	within := func(p *uint64, data []byte) bool {
		a, start := uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(unsafe.SliceData(data)))
		return a >= start && a < start+uintptr(len(data))
	}
	if !within(&got.tab.baseCtxKeys[0], buf.Bytes()) {
		t.Errorf("the restored table is a copy of aligned data")
	}
	shifted := append(make([]byte, 1, buf.Len()+1), buf.Bytes()...)[1:]
	copied := New(Options{})
	if _, err := copied.Restore(shifted); err != nil {
		t.Fatal(err)
	}
	if within(&copied.tab.baseCtxKeys[0], shifted) || copied.Stats() != m.Stats() {
		t.Errorf("restored from unaligned data: stats %+v, want %+v", copied.Stats(), m.Stats())
	}
	got, copied = copied, got
	same("loaded from unaligned data")
	got = copied
	for _, mm := range []*Model{m, got} {
		mm.Forget("h0.go")
		mm.Learn("h1.go", []byte("package web\n\nfunc other() { return }\n"))
	}
	same("after forgetting and relearning")
	if got.Stats() != m.Stats() {
		t.Errorf("after edits: stats %+v, want %+v", got.Stats(), m.Stats())
	}

	// Saved again after edits (base and changes merged), then restored.
	var again bytes.Buffer
	if err := got.Save(&again, gotTags); err != nil {
		t.Fatal(err)
	}
	third := New(Options{})
	if _, err := third.Restore(again.Bytes()); err != nil {
		t.Fatal(err)
	}
	got = third
	same("saved again after edits")
	if got.Stats() != m.Stats() {
		t.Errorf("saved again: stats %+v, want %+v", got.Stats(), m.Stats())
	}

	if _, err := New(Options{Order: 4}).Restore(buf.Bytes()); !errors.Is(err, ErrSnapshotVersion) {
		t.Errorf("other options: %v, want ErrSnapshotVersion", err)
	}
	for _, n := range []int{0, 10, len(buf.Bytes()) / 2, len(buf.Bytes()) - 1} {
		if _, err := New(Options{}).Restore(buf.Bytes()[:n]); err == nil {
			t.Errorf("a snapshot cut at %d of %d bytes loaded", n, buf.Len())
		}
	}
}
