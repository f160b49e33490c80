package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/ghostline/ghostline/lang"
)

// TestResolve: at each cursor of testdata/resolve/repo.txtar the prompt's
// declarations hold what the cursor needs: the members of the receiver's
// type (through locals, fields, chains, self and this), the open call's
// signature, a package's declarations.
func TestResolve(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/resolve/repo.txtar")
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
			var decls strings.Builder
			for _, part := range p.Parts {
				if part.Kind == PartDecl {
					decls.WriteString(part.Text)
				}
			}
			if !strings.Contains(decls.String(), want) {
				t.Errorf("declarations lack %q:\n%s", want, decls.String())
			}
		})
	}
}
