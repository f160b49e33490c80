package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/ghostline/ghostline/lang"
)

// TestResolve: at each cursor of the repositories in testdata/resolve the
// prompt's declarations hold what the cursor needs: the members of the
// receiver's type (through locals, fields, chains, self and this, bases),
// the open call's signature, a package's declarations.
func TestResolve(t *testing.T) {
	repos, _ := filepath.Glob("testdata/resolve/*.txtar")
	if len(repos) == 0 {
		t.Fatal("no repositories in testdata/resolve")
	}
	for _, repo := range repos {
		t.Run(filepath.Base(repo), func(t *testing.T) { testResolve(t, repo) })
	}
}

func testResolve(t *testing.T, repo string) {
	ar, err := txtar.ParseFile(repo)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	files := map[string]string{}
	var cases string
	for _, f := range ar.Files {
		if f.Name == "cases" {
			cases = string(f.Data)
			continue
		}
		files[f.Name] = string(f.Data)
		// The index sees the files without cursor marks.
		clean := strings.ReplaceAll(string(f.Data), "‸", "")
		p := filepath.Join(root, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(clean), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	for _, line := range strings.Split(strings.TrimSpace(cases), "\n") {
		c := strings.Split(line, "\t")
		file, at, want := c[0], c[1], c[2]
		t.Run(file+":"+at, func(t *testing.T) {
			src := files[file]
			i := strings.Index(src, at)
			if i < 0 {
				t.Fatalf("%s has no %q", file, at)
			}
			off := i + len(at) - len("‸")
			text := strings.ReplaceAll(src[:off], "‸", "") // cursors before this one are not text
			rest := strings.ReplaceAll(src[off+len("‸"):], "‸", "")
			q := Query{Path: filepath.Join(root, file), Language: lang.Of(file), Text: text + rest, Offset: len(text), Budget: 1024}
			p, err := x.AssembleFrom(context.Background(), q, Sources{NoSnippets: true})
			if err != nil {
				t.Fatal(err)
			}
			// "members a b": the names offered after the `.` hold a and b.
			if names, ok := strings.CutPrefix(want, "members "); ok {
				for _, name := range strings.Fields(names) {
					if !slices.Contains(p.Members, name) {
						t.Errorf("members lack %q: %v", name, p.Members)
					}
				}
				return
			}
			// "first x": the first declaration shown (what the cursor
			// names) holds x.
			want, first := strings.CutPrefix(want, "first ")
			var decls strings.Builder
			for _, part := range p.Parts {
				if part.Kind == PartDecl && (!first || decls.Len() == 0) {
					decls.WriteString(part.Text)
				}
			}
			if !strings.Contains(decls.String(), want) {
				t.Errorf("declarations lack %q:\n%s", want, decls.String())
			}
		})
	}
}

// Test inputs rank below every other declaration of a name: Go's
// go/doc/testdata declares a T that is not testing.T.
func TestNearestTestdataLast(t *testing.T) {
	r := &resolver{rel: "pkg/a/a_test.go", mods: []string{"example.com/m/pkg/b"}}
	hs := []declHit{{Path: "go/doc/testdata/testing.go"}, {Path: "testdata/x.go"}, {Path: "testing/testing.go"},
		{Path: "pkg/b/testdata/b.go"}, {Path: "pkg/b/b.go"}, {Path: "pkg/a/a.go"}}
	var got []string
	for _, h := range r.nearest(hs) {
		got = append(got, h.Path)
	}
	want := "pkg/a/a.go pkg/b/b.go testing/testing.go go/doc/testdata/testing.go testdata/x.go pkg/b/testdata/b.go"
	if strings.Join(got, " ") != want {
		t.Errorf("nearest = %v, want %s", got, want)
	}
}
