package skeleton

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden skeletons in testdata")

// Each testdata/*.txtar holds "lang" (the language id), an input file, and
// the expected "decls".
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) < 8 {
		t.Fatalf("found %d golden files, want one per language", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string]*txtar.File{}
			var input *txtar.File
			for i := range ar.Files {
				f := &ar.Files[i]
				sec[f.Name] = f
				if strings.HasPrefix(f.Name, "input.") {
					input = f
				}
			}
			if input == nil || sec["lang"] == nil {
				t.Fatal("golden file needs lang and input.* sections")
			}
			got, err := Extract(strings.TrimSpace(string(sec["lang"].Data)), input.Data)
			if err != nil {
				t.Fatal(err)
			}
			var decls strings.Builder
			for _, d := range got.Decls {
				fmt.Fprintf(&decls, "%s\n%s\n\n", d, indent(d.Text))
			}
			if *update {
				setSection(ar, "decls", decls.String())
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if sec["decls"] == nil {
				t.Fatal("missing decls section: run go test -update")
			}
			if want := string(sec["decls"].Data); decls.String() != want {
				t.Errorf("decls mismatch\n--- got\n%s--- want\n%s", decls.String(), want)
			}
		})
	}
}

// indent shows a declaration's text under its record line.
func indent(s string) string { return "\t" + strings.ReplaceAll(s, "\n", "\n\t") }

func setSection(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

func TestUnsupported(t *testing.T) {
	if _, err := Extract("cobol", []byte("IDENTIFICATION DIVISION.")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	if Supported("cobol") || !Supported("go") || !Supported("rust") {
		t.Error("Supported disagrees with Extract")
	}
}

// Broken source yields the skeleton of what parses, not an error.
func TestSyntaxErrors(t *testing.T) {
	cases := map[string]string{
		"go":         "package p\n\nfunc Good() int { return 1 }\n\nfunc Bad( {\n",
		"python":     "def good(x):\n    return x\n\ndef bad(:\n",
		"typescript": "function good(a: number) { return a }\nclass {{{\n",
	}
	for lang, src := range cases {
		got, err := Extract(lang, []byte(src))
		if err != nil {
			t.Errorf("%s: %v", lang, err)
			continue
		}
		if !slices.ContainsFunc(got.Decls, func(d Decl) bool { return strings.EqualFold(d.Name, "good") }) {
			t.Errorf("%s: declarations lost the good function: %v", lang, got.Decls)
		}
	}
}

func BenchmarkExtractGo(b *testing.B) {
	benchmarkFile(b, "go", filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
}

func BenchmarkExtractTreeSitter(b *testing.B) {
	benchmarkFile(b, "typescript", "testdata/typescript.txtar")
}

func benchmarkFile(b *testing.B, lang, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Extract(lang, src); err != nil {
			b.Fatal(err)
		}
	}
}
