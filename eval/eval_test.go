package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// repo writes a small repository with a repeated pattern across files.
func repo(t *testing.T) string {
	dir := t.TempDir()
	for i := range 12 {
		src := fmt.Sprintf(`package shop

func Total%d(items []Item) (int, error) {
	sum := 0
	for _, it := range items {
		if err := it.Validate(); err != nil {
			return 0, fmt.Errorf("item %%s: %%w", it.Name, err)
		}
		sum += it.Price * it.Qty
	}
	return sum, nil
}
`, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.go", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDraw(t *testing.T) {
	files, err := ListFiles(context.Background(), repo(t))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Draw(files, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Draw(files, 20, 7)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed drew different samples")
	}
	starts := 0
	for _, s := range a {
		if s.LineStart {
			starts++
		}
		full, _ := os.ReadFile(s.File.Abs)
		// Putting the hidden text back gives the file again.
		if got := s.Text[:s.Offset] + s.Want + s.Text[s.Offset:]; got != string(full) {
			t.Fatalf("sample in %s does not restore the file:\n%q", s.File.Path, got)
		}
		if s.Want == "" || strings.HasPrefix(strings.TrimSpace(s.Want), "//") {
			t.Errorf("unusable sample %+v", s)
		}
	}
	if starts != 10 {
		t.Errorf("%d of 20 samples at line starts, want half", starts)
	}
	if c, _ := Draw(files, 20, 8); reflect.DeepEqual(a, c) {
		t.Error("different seeds drew the same samples")
	}
}

func TestEditSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"abc", "abc", 1},
		{"abc", "", 0},
		{"kitten", "sitting", 1 - 3.0/7},
		{"héllo", "hello", 0.8},
	}
	for _, tt := range tests {
		if got := EditSimilarity(tt.a, tt.b); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("EditSimilarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompletionLeaveFileOut(t *testing.T) {
	var cursors strings.Builder
	r, err := Completion(context.Background(), Options{Repo: repo(t), Samples: 10, Seed: 3, Cursors: &cursors})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 || r.Rows[0].All.N != 10 {
		t.Fatalf("rows %+v, want one row of 10 samples", r.Rows)
	}
	// One line per cursor, sampled and member: the hits are the exact
	// matches.
	lines := strings.Split(strings.TrimSuffix(cursors.String(), "\n"), "\n")
	hits := 0
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 7 || f[1] != "retrieval off" {
			t.Fatalf("cursor line %q: want 7 fields of the row retrieval off", l)
		}
		if f[0] == "hit" {
			hits++
		}
	}
	if row := r.Rows[0]; len(lines) != row.All.N+row.Member.N || hits != row.All.Exact+row.Member.Exact {
		t.Errorf("%d cursor lines, %d hits; want %d, %d", len(lines), hits, row.All.N+row.Member.N, row.All.Exact+row.Member.Exact)
	}
	if r.TrainFiles == 0 || r.TrainFiles >= r.Files {
		t.Errorf("trained on %d of %d files: want the sampled files left out and the rest learnt", r.TrainFiles, r.Files)
	}
	// The pattern repeats in every file: the model learnt from the others
	// must complete most lines exactly.
	if got := r.Rows[0].All.ExactRate(); got < 0.5 {
		t.Errorf("exact match %.2f on a repetitive repository, want >= 0.5", got)
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil || !strings.Contains(b.String(), "retrieval off") {
		t.Errorf("report:\n%s (%v)", b.String(), err)
	}
}

// Member cursors sit right after a dot, before the member, and hiding the
// rest of the line loses nothing else of the file.
func TestDrawMembers(t *testing.T) {
	files, err := ListFiles(context.Background(), repo(t))
	if err != nil {
		t.Fatal(err)
	}
	ms := DrawMembers(files, 10, 3)
	if len(ms) != 10 {
		t.Fatalf("%d member cursors, want 10", len(ms))
	}
	for _, s := range ms {
		full, _ := os.ReadFile(s.File.Abs)
		if got := s.Text[:s.Offset] + s.Want + s.Text[s.Offset:]; got != string(full) {
			t.Fatalf("sample in %s does not restore the file", s.File.Path)
		}
		if !strings.HasSuffix(s.Text[:s.Offset], ".") || s.Want == "" {
			t.Errorf("cursor not after a dot before a member: %q|%q", s.Text[max(0, s.Offset-10):s.Offset], s.Want)
		}
	}
}
