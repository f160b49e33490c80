package builtin

import (
	"path"
	"strings"
)

// A Go file's package clause names its directory's package: the files
// learnt there already spell it (name, or name_test beside a test file's
// package name), and the counts alone prefer the most common name of all,
// main.

// dirPackages returns the package name that most package clauses of the
// Go files learnt in the directory of p declare (a generator's main beside
// them is not the directory's package), as a token with its separating
// space; for a test file, name_test too (an external test's clause
// counts for name). Learnt paths are relative to the repository and p
// may be absolute, so a learnt directory matches when p's directory ends
// with it; the longest match wins. The caller holds m.mu.
func (m *Model) dirPackages(p string) []string {
	lang, ok := m.langs["go"]
	pkg, known := m.vocab.ids["package"]
	if !ok || !known {
		return nil
	}
	dir := path.Dir(strings.ReplaceAll(p, "\\", "/"))
	best, files := "", map[string]int{}
	for fp, rec := range m.files {
		d := path.Dir(fp)
		if rec.lang != lang || d == "." || len(d) < len(best) || !(dir == d || strings.HasSuffix(dir, "/"+d)) {
			continue
		}
		ids := decodeHead(rec.toks, 2)
		if len(ids) < 2 || ids[0] != pkg {
			continue
		}
		if len(d) > len(best) {
			best, files = d, map[string]int{}
		}
		name, _ := strings.CutSuffix(m.vocab.strs[ids[1]], "_test")
		files[name]++
	}
	most := 0
	for _, n := range files {
		most = max(most, n)
	}
	var out []string
	for name, n := range files {
		if n < most {
			continue
		}
		out = append(out, name)
		if strings.HasSuffix(p, "_test.go") {
			out = append(out, name+"_test")
		}
	}
	return out
}

// setPackages makes names the only candidates, boosted, for the token
// after a Go file's `package`.
func (s *search) setPackages(names []string) {
	id, ok := s.id("package")
	if len(names) == 0 || !ok {
		return
	}
	s.pkgID, s.pkgNames = id, map[uint32]bool{}
	for _, n := range s.ids(names) {
		s.pkgNames[n] = true
	}
}
