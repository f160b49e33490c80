package retrieval

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// lastDef finds a name's definition wherever it stands among others: in a
// list, after another definition on the same line, not inside a longer name.
func TestLocalDefLastDef(t *testing.T) {
	tests := []struct {
		def        int // index in localDefs
		fn, name   string
		at         int
		group      string
		wantsFound bool
	}{
		{0, "a, x := f()\n", "x", 3, "f()", true},
		{0, "x, err := f()\n", "x", 0, "f()", true},
		{0, "xy := f()\n", "x", 0, "", false},
		{3, "let a = 1; let x = new Foo()\n", "x", 15, "new Foo()", true},
		{1, "var a int\nvar x *T\n", "x", 14, "T", true},
		{6, "Foo x = y; Bar z;", "z", 15, "Bar", true},
		{7, "xs = 1\nfoo_x = x_\nx = g()\nx2 = 3\n", "x", 18, "g()", true},
		{3, "let $x = 1; let x$ = 2\n", "x", 0, "", false},
	}
	for _, tt := range tests {
		at, g, ok := localDefs[tt.def].lastDef(tt.fn, tt.name)
		if ok != tt.wantsFound || ok && (at != tt.at || g != tt.group) {
			t.Errorf("%q in %q: got %d %q %t, want %d %q %t", tt.name, tt.fn, at, g, ok, tt.at, tt.group, tt.wantsFound)
		}
	}
}

// BenchmarkLocalType looks up 40 names in 20 KB of net/http's server.go.
func BenchmarkLocalType(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip(err)
	}
	fn := string(src[:20000])
	names := regexp.MustCompile(`\b[a-z]\w*\b`).FindAllString(fn, 40)
	r := &resolver{err: errors.New("no index")} // types from the text alone
	for b.Loop() {
		for _, n := range names {
			r.localType(fn, n)
		}
	}
}
