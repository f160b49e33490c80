package lsp

import "testing"

func TestCacheTypedThrough(t *testing.T) {
	const (
		prefix = "func main() {\n\tfmt."
		suffix = "\n}\n"
		sug    = "Println(\"hi\")"
	)
	c := newCache(4)
	c.add("a.go", &suggestion{id: "s1", prefix: prefix, suffix: suffix, text: sug})
	tests := []struct {
		name     string
		uri      string
		before   string // document text before the cursor
		after    string
		wantRest string
		wantHit  bool
	}{
		{"same place", "a.go", prefix, suffix, sug, true},
		{"typed one char", "a.go", prefix + "P", suffix, sug[1:], true},
		{"typed a word", "a.go", prefix + "Println(", suffix, sug[8:], true},
		{"backspaced inside", "a.go", prefix + "Pr", suffix, sug[2:], true},
		{"typed all of it", "a.go", prefix + sug, suffix, "", false},
		{"typed something else", "a.go", prefix + "Printf", suffix, "", false},
		{"backspaced before the prefix", "a.go", prefix[:len(prefix)-1], suffix, "", false},
		{"text after the cursor changed", "a.go", prefix + "P", ")" + suffix, "", false},
		{"other document", "b.go", prefix, suffix, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rest, ok := c.lookup(tt.uri, tt.before+tt.after, len(tt.before))
			if ok != tt.wantHit || rest != tt.wantRest {
				t.Fatalf("lookup = %q, %v; want %q, %v", rest, ok, tt.wantRest, tt.wantHit)
			}
			if ok && s.id != "s1" {
				t.Errorf("id = %q, want the original suggestion's", s.id)
			}
		})
	}
	c.forget("s1")
	if _, _, ok := c.lookup("a.go", prefix+suffix, len(prefix)); ok {
		t.Error("hit after forget")
	}
}

func TestCacheEvictsLeastRecentDocument(t *testing.T) {
	c := newCache(2)
	for _, uri := range []string{"a", "b", "c"} {
		c.add(uri, &suggestion{id: uri, text: "x" + uri})
	}
	if _, _, ok := c.lookup("a", "", 0); ok {
		t.Error("a should have been evicted")
	}
	if _, rest, ok := c.lookup("c", "", 0); !ok || rest != "xc" {
		t.Errorf("c: %q %v", rest, ok)
	}
}
