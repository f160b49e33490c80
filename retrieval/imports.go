package retrieval

import (
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// Import patterns of the language families (lang.Language.Family) without
// an exact parser here; each has one group: the imported module.
var importPatterns = map[string][]*regexp.Regexp{
	"python": {
		regexp.MustCompile(`(?m)^\s*import\s+([\w.]+)`),
		regexp.MustCompile(`(?m)^\s*from\s+(\.*[\w.]*)\s+import`),
	},
	"javascript": jsImports,
	"typescript": jsImports,
	"java":       {regexp.MustCompile(`(?m)^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?\s*;`)},
	"kotlin":     {regexp.MustCompile(`(?m)^\s*import\s+([\w.]+)`)},
	"rust":       {regexp.MustCompile(`(?m)^\s*(?:pub\s+)?use\s+([\w:]+)`), regexp.MustCompile(`(?m)^\s*mod\s+(\w+)\s*;`)},
	"c":          cIncludes,
	"cpp":        cIncludes,
}

var (
	jsImports = []*regexp.Regexp{
		regexp.MustCompile(`(?m)(?:from|import)\s+['"]([^'"]+)['"]`),
		regexp.MustCompile(`require\(\s*['"]([^'"]+)['"]\s*\)`),
	}
	cIncludes = []*regexp.Regexp{regexp.MustCompile(`(?m)^\s*#\s*include\s+"([^"]+)"`)}
)

// imports returns the modules the file at rel imports, as slash paths
// without extensions, resolved against rel's directory where the language
// imports relatively ("./util" in TypeScript, "from . import x" in Python).
func imports(language, rel, text string) []string {
	dir := path.Dir(rel)
	var out []string
	if language == "go" {
		f, err := parser.ParseFile(token.NewFileSet(), "", text, parser.ImportsOnly)
		if f == nil {
			return nil
		}
		_ = err // a partial import list is still useful
		for _, im := range f.Imports {
			if p, err := strconv.Unquote(im.Path.Value); err == nil {
				out = append(out, p)
			}
		}
		return out
	}
	set := lang.Get(language).Family
	for _, re := range importPatterns[set] {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if p := modulePath(set, dir, m[1]); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// modulePath turns an import as written into a slash path.
func modulePath(set, dir, m string) string {
	switch set {
	case "python":
		dots := len(m) - len(strings.TrimLeft(m, "."))
		p := strings.ReplaceAll(m[dots:], ".", "/")
		if dots == 0 {
			return p
		}
		base := dir
		for i := 1; i < dots; i++ {
			base = path.Dir(base)
		}
		return path.Join(base, p)
	case "javascript", "typescript":
		p := strings.TrimSuffix(m, path.Ext(m))
		if strings.HasPrefix(m, ".") {
			return path.Join(dir, p)
		}
		return p
	case "java", "kotlin":
		return strings.ReplaceAll(m, ".", "/")
	case "rust":
		p := strings.ReplaceAll(m, "::", "/")
		for _, pre := range []string{"crate/", "self/", "super/"} {
			p = strings.TrimPrefix(p, pre)
		}
		return strings.TrimSuffix(p, "/")
	case "c", "cpp":
		return strings.TrimSuffix(m, path.Ext(m))
	}
	return ""
}

// importedBy reports whether the file at rel is one of the modules: the
// module names the file (without extension) or its directory, possibly as a
// suffix ("github.com/x/y/pkg/foo" names "pkg/foo/bar.go").
func importedBy(rel string, modules []string) bool {
	noExt := strings.TrimSuffix(rel, path.Ext(rel))
	dir := path.Dir(rel)
	for _, m := range modules {
		if m == "" {
			continue
		}
		if suffixPath(noExt, m) || suffixPath(dir, m) || dir != "." && suffixPath(m, dir) {
			return true
		}
	}
	return false
}

// suffixPath: p is s, or ends in "/"+s.
func suffixPath(p, s string) bool {
	return p == s || strings.HasSuffix(p, "/"+s)
}
