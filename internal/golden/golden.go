// Package golden runs table tests whose cases are txtar files: each file
// holds a case's inputs and its expected outputs as sections. Run with
// -update to rewrite the expected sections from what the code now does
// (then read the diff before committing it).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files' expected sections")

// Run runs check on every txtar file matching pattern, each as a subtest
// named by its base name. check returns the sections it produced (name →
// text); each must equal the file's section of that name. A section's
// final newline is not part of it.
func Run(t *testing.T, pattern string, check func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases in %s: %v", pattern, err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := check(t, ar)
			if t.Failed() {
				return
			}
			if *update {
				write(t, f, ar, got)
				return
			}
			about, _, _ := strings.Cut(string(ar.Comment), "\n")
			for name, g := range got {
				want, ok := Section(ar, name)
				if !ok {
					t.Fatalf("missing section %q (run with -update)", name)
				}
				if g != want {
					t.Errorf("%s\n%s:\n--- got\n%s\n--- want\n%s", about, name, g, want)
				}
			}
		})
	}
}

// Section returns the text of the archive's file name, without its final
// newline.
func Section(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return strings.TrimSuffix(string(f.Data), "\n"), true
		}
	}
	return "", false
}

// write replaces the sections in got, or appends those the file lacks.
func write(t *testing.T, path string, ar *txtar.Archive, got map[string]string) {
	t.Helper()
	done := map[string]bool{}
	for i, f := range ar.Files {
		if g, ok := got[f.Name]; ok {
			ar.Files[i].Data = []byte(g + "\n")
			done[f.Name] = true
		}
	}
	var names []string
	for name := range got {
		if !done[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(got[name] + "\n")})
	}
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
