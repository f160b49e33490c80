package skeleton

import (
	"slices"
	"strings"
	"testing"
)

const reuseSrc = `package p

import "fmt"

// T is a thing.
type T struct{ A int }

// Get returns A.
func (t T) Get() int {
	x := map[string]int{"a": 1}
	return t.A + x["a"]
}

func Print(t T) {
	fmt.Println(t.Get())
}
`

// TestReuse: an edit re-uses the old skeleton only where extracting the
// new text would give the same one, and the shifted body offsets are
// those a fresh extraction finds.
func TestReuse(t *testing.T) {
	prev, err := Extract("go", []byte(reuseSrc))
	if err != nil || len(prev.Bodies) != 2 {
		t.Fatalf("extract: %v, bodies %v; want 2", err, prev.Bodies)
	}
	tests := []struct {
		name, old, new string
		reuse          bool
	}{
		{"statement added in a body", "return t.A", "y := 2\n\treturn t.A + y", true},
		{"line removed from a body", "\tx := map[string]int{\"a\": 1}\n", "", true},
		{"call changed in the last body", "fmt.Println(t.Get())", "fmt.Println(t.Get(), \"more\")", true},
		{"signature changed", "Print(t T)", "Print(t T, n int)", false},
		{"type changed", "A int", "A, B int", false},
		{"doc comment changed", "// Get returns A.", "// Get returns the A field.", false},
		{"body closed early", "return t.A + x[\"a\"]", "return 0\n}\n\nfunc Extra() {", false},
		{"brace left open", "return t.A", "if true {\n\treturn t.A", false},
		{"bracket left open", "return t.A", "return t.A[", false},
		{"raw string left open", "return t.A", "return `", false},
		{"edit across two bodies", "return t.A + x[\"a\"]\n}\n\nfunc Print(t T) {", "return 0\n}\n\nfunc Print(t T) {\n\t_ = 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(reuseSrc, tt.old) {
				t.Fatalf("source lacks %q", tt.old)
			}
			src := []byte(strings.Replace(reuseSrc, tt.old, tt.new, 1))
			got, ok := Reuse("go", prev, []byte(reuseSrc), src)
			if ok != tt.reuse {
				t.Fatalf("reused %t, want %t", ok, tt.reuse)
			}
			if !ok {
				return
			}
			want, err := Extract("go", src)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != want.Text || !slices.Equal(got.Symbols, want.Symbols) || !slices.Equal(got.Bodies, want.Bodies) {
				t.Errorf("re-used %+v\nextracted %+v", got, want)
			}
		})
	}
	if _, ok := Reuse("python", prev, []byte(reuseSrc), []byte(reuseSrc+"x")); ok {
		t.Error("re-used a skeleton for a language without body offsets")
	}
	broken := []byte(strings.Replace(reuseSrc, "return t.A", "return t.A)", 1))
	if r, _ := Extract("go", broken); r.Bodies != nil {
		t.Errorf("a file with a syntax error has body offsets %v", r.Bodies)
	}
}
