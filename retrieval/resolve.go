package retrieval

import (
	"context"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ghostline/ghostline/retrieval/skeleton"
)

// Resolution at the cursor: cheap, local and lexical. It reads the text
// around the cursor (the chain before a `.`, the open call, the enclosing
// type, local definitions in the enclosing function) and looks the names
// up in the declaration index; it never type-checks.

// scope is what resolution found at one cursor, best first.
type scope struct {
	// receiver is the type of the chain before a `.` at the cursor.
	receiver string
	// member is what is typed of the member so far.
	member string
	// pkgDir is the repository directory of the package before a `.`
	// (Go `pkg.`, an imported module), when the chain is one.
	pkgDir string
	// callee is the function whose call is open at the cursor, and calleeOn
	// the type it is a method of ("" for a function).
	callee, calleeOn string
	// enclosing is the type whose method the cursor is in.
	enclosing string
	// members are the names that may follow the `.` at the cursor: the
	// receiver type's fields and methods, or the package's declarations.
	members []string
	// decls are the declarations to show, in order, without repeats; the
	// first targets of them are what the cursor names (the callee, the
	// receiver's type, the package's declarations).
	decls   []declHit
	targets int
}

// resolver looks names up in the index, remembering each answer for the
// rest of one cursor.
type resolver struct {
	ctx   context.Context
	bi    bleve.Index
	lang  string
	rel   string
	mods  []string
	fn    string // the text of the function at the cursor, for its locals
	byKey map[string][]declHit
	err   error
	// hiding is set while packageDir looks for a local that hides a
	// module: the local's value (`log := log.New(…)`) names the module
	// itself, and looking again would recurse without end.
	hiding bool
}

func (r *resolver) search(key string, q query.Query) []declHit {
	if hs, ok := r.byKey[key]; ok || r.err != nil {
		return hs
	}
	hs, err := searchDecls(r.ctx, r.bi, q, maxDeclHits)
	if err != nil {
		r.err = err
	}
	r.byKey[key] = hs
	return hs
}

// named returns the declarations of name, the nearest first: the same
// file's directory, then imported modules, then the rest.
func (r *resolver) named(name string) []declHit {
	hs := r.search("n\x00"+name, termQuery(fieldName, name))
	return r.nearest(hs)
}

// members returns the methods declared with container typ and typ's own
// declaration, nearest first.
func (r *resolver) members(typ string) []declHit {
	hs := r.search("m\x00"+typ, query.NewBooleanQuery(nil,
		[]query.Query{termQuery(fieldOwner, typ), termQuery(fieldName, typ)}, nil))
	return r.nearest(hs)
}

// nearest orders hits by locality: the cursor's directory, imported
// modules, the rest, then test inputs (testdata directories), each in
// index order.
func (r *resolver) nearest(hs []declHit) []declHit {
	dir := path.Dir(r.rel)
	rank := func(h declHit) int {
		switch {
		case path.Dir(h.Path) == dir:
			return 0
		case isTestdata(h.Path):
			return 3
		case importedBy(h.Path, r.mods):
			return 1
		}
		return 2
	}
	out := make([]declHit, 0, len(hs))
	for k := 0; k < 4; k++ {
		for _, h := range hs {
			if rank(h) == k {
				out = append(out, h)
			}
		}
	}
	return out
}

// isTestdata: rel is under a testdata directory, whose files are test
// inputs (the Go tool ignores them), not the declarations code uses: Go's
// go/doc/testdata declares a T that is not testing.T.
func isTestdata(rel string) bool {
	return strings.HasPrefix(rel, "testdata/") || strings.Contains(rel, "/testdata/")
}

// typeDecl returns the declaration of the type typ, the nearest.
func (r *resolver) typeDecl(typ string) (declHit, bool) {
	for _, h := range r.named(typ) {
		if (h.Kind == skeleton.DeclType || h.Kind == skeleton.DeclIface) && h.Name == typ {
			return h, true
		}
	}
	return declHit{}, false
}

// memberType is the type of member m of type typ: a field's type or a
// method's result, looking through embedded types twice.
func (r *resolver) memberType(typ, m string) string {
	_, t, _ := r.memberDecl(typ, m, 0)
	return t
}

// memberDecl finds member m of type typ: the method's declaration, or the
// declaration of the type (typ or one it embeds) that holds m as a field;
// and m's type.
func (r *resolver) memberDecl(typ, m string, depth int) (declHit, string, bool) {
	if typ == "" || depth > 2 {
		return declHit{}, "", false
	}
	for _, h := range r.members(typ) {
		if h.Container == typ && h.Name == m {
			return h, h.Type, true
		}
	}
	td, ok := r.typeDecl(typ)
	if !ok {
		return declHit{}, "", false
	}
	for _, f := range td.Fields {
		if f.Name == m {
			return td, f.Type, true
		}
	}
	for _, f := range td.Fields {
		if f.Name == "" && f.Type != "" && f.Type != typ {
			if h, t, ok := r.memberDecl(f.Type, m, depth+1); ok {
				return h, t, true
			}
		}
	}
	return declHit{}, "", false
}

// memberNames appends the names of typ's fields and methods, and those of
// the types it embeds.
func (r *resolver) memberNames(typ string, out []string, depth int) []string {
	if depth > 2 {
		return out
	}
	for _, h := range r.members(typ) {
		if h.Container == typ {
			out = appendName(out, h.Name)
		}
	}
	td, ok := r.typeDecl(typ)
	if !ok {
		return out
	}
	for _, f := range td.Fields {
		switch {
		case f.Name != "":
			out = appendName(out, f.Name)
		case f.Type != "" && f.Type != typ:
			out = r.memberNames(f.Type, out, depth+1)
		}
	}
	return out
}

func appendName(s []string, name string) []string {
	if name == "" || slices.Contains(s, name) {
		return s
	}
	return append(s, name)
}

// valueType is the type a top-level name yields: a function's result, a
// variable's type, a type's own name.
func (r *resolver) valueType(name string) string {
	for _, h := range r.named(name) {
		if h.Container == "" && h.Type != "" {
			if h.Name == name {
				return h.Type
			}
			for _, f := range h.Fields { // a member of a const or var group
				if f.Name == name {
					return f.Type
				}
			}
		}
	}
	return ""
}

// link is one element of a chain like a.b(x).c: a name, and whether it is
// called.
type link struct {
	name string
	call bool
}

// chainBefore parses the chain of names, calls and indexes that ends at
// the end of s (`a.b(x)[i].c`), returning its links in order.
func chainBefore(s string) []link {
	var out []link
	i := len(s)
	for {
		call := false
		// Skip a balanced (...) or [...] group.
		for i > 0 && (s[i-1] == ')' || s[i-1] == ']') {
			j := matchOpen(s, i-1)
			if j < 0 {
				return nil
			}
			if s[i-1] == ')' {
				call = true
			}
			i = j
		}
		j := i
		for j > 0 && (identStart(s[j-1]) || isDigit(s[j-1])) {
			j--
		}
		if j == i {
			break
		}
		out = append(out, link{name: s[j:i], call: call})
		i = j
		switch {
		case i > 0 && s[i-1] == '.':
			i--
		case i > 1 && (s[i-2:i] == "->" || s[i-2:i] == "::"):
			i -= 2
		default:
			i = -1
		}
		if i < 0 {
			break
		}
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// matchOpen returns the index of the bracket that opens the one closing
// at s[i], or -1.
func matchOpen(s string, i int) int {
	depth := 0
	for k := i; k >= 0; k-- {
		switch s[k] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// maxLineNames bounds the names of the cursor's lines that are looked up.
const maxLineNames = 4

// maxScan bounds how far back resolution reads: the enclosing function is
// usually within it, and reading is the cost.
const maxScan = 8 << 10

var (
	goFuncRe     = regexp.MustCompile(`(?m)^func\s*(?:\(\s*(\w+)?\s*\*?\s*(\w+)(?:\[[^\]]*\])?\s*\))?\s*(\w+)?`)
	classRe      = regexp.MustCompile(`\b(?:class|struct|interface|trait|impl(?:<[^>]*>)?(?:\s+[\w:]+\s+for)?|enum)\s+([A-Za-z_$][\w$]*)`)
	pyClassRe    = regexp.MustCompile(`(?m)^([ \t]*)class\s+(\w+)`)
	memberCursor = regexp.MustCompile(`[\w$]*$`)
)

// resolve reads the cursor's surroundings in q and looks up what they
// name.
func (r *resolver) resolve(q Query) scope {
	var sc scope
	before := q.Text[max(0, q.Offset-maxScan):q.Offset]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	line := before[lineStart:]
	fn := r.function(before)
	r.fn = fn

	// The enclosing type and, in Go, the receiver's name.
	recvName := ""
	if r.lang == "go" {
		if m := goFuncRe.FindStringSubmatch(fn); m != nil {
			recvName, sc.enclosing = m[1], m[2]
		}
	} else {
		sc.enclosing = enclosingClass(r.lang, before)
	}
	typeOf := func(name string) string {
		switch {
		case name == "self" || name == "this" || name == "Self":
			return sc.enclosing
		case name == recvName && name != "":
			return sc.enclosing
		}
		if t := r.localType(fn, name); t != "" || strings.Contains(name, ".") {
			return t // self.x is local or nothing
		}
		return r.valueType(name)
	}

	// The chain before a `.` at the cursor.
	sc.member = memberCursor.FindString(line)
	head := line[:len(line)-len(sc.member)]
	if strings.HasSuffix(head, ".") || strings.HasSuffix(head, "->") || strings.HasSuffix(head, "::") {
		chain := chainBefore(strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(head, "."), "->"), ":"))
		if len(chain) > 0 {
			if dir := r.packageDir(chain[0].name); dir != "" && len(chain) == 1 {
				sc.pkgDir = dir
			} else {
				sc.receiver = r.chainType(chain, typeOf)
			}
		}
	}

	// The open call: the innermost unclosed ( on the line or the few before.
	onValue := false // called on a value (x.m(), not f() or pkg.F())
	if open := openParen(before[max(0, len(before)-512):]); open >= 0 {
		s := before[max(0, len(before)-512):][:open]
		s = strings.TrimRight(s, " ")
		if chain := chainBefore(s); len(chain) > 0 {
			last := chain[len(chain)-1]
			sc.callee = last.name
			if len(chain) > 1 {
				sc.calleeOn = r.chainType(chain[:len(chain)-1], typeOf)
				onValue = len(chain) > 2 || r.packageDir(chain[0].name) == ""
			} else { // `.m(` continuing a chain from a line before
				onValue = strings.HasSuffix(strings.TrimRight(s[:len(s)-len(last.name)], " \t\r\n"), ".")
			}
		}
	}

	// Declarations, in the order the prompt shows them.
	seen := map[string]bool{}
	add := func(h declHit) {
		// The current file's declarations are in the prompt as its text
		// (the index may hold an older version of them).
		if h.Path == r.rel {
			return
		}
		key := h.Path + "\x00" + h.Container + "\x00" + h.Name + "\x00" + string(h.Kind)
		if !seen[key] {
			seen[key] = true
			sc.decls = append(sc.decls, h)
		}
	}
	addType := func(typ string) {
		if td, ok := r.typeDecl(typ); ok {
			add(td)
		}
		for _, h := range r.members(typ) {
			if h.Container == typ {
				add(h)
			}
		}
		// Embedded types' members are the type's too.
		if td, ok := r.typeDecl(typ); ok {
			for _, f := range td.Fields {
				if f.Name == "" && f.Type != "" && f.Type != typ {
					if e, ok := r.typeDecl(f.Type); ok {
						add(e)
					}
				}
			}
		}
	}
	if sc.callee != "" {
		// The method of the resolved type (its own, an embedded type's, an
		// interface's member), or else the nearest of the name.
		callee := func(h declHit) bool { return h.Name == sc.callee && h.Kind != skeleton.DeclValue }
		hs := r.named(sc.callee)
		on := func(h declHit) bool { return h.Container == sc.calleeOn }
		if onValue && sc.calleeOn == "" { // of a type not found: a method before a function
			on = func(h declHit) bool { return h.Container != "" }
		}
		if i := slices.IndexFunc(hs, func(h declHit) bool { return callee(h) && on(h) }); i >= 0 {
			add(hs[i])
		} else if h, _, ok := r.memberDecl(sc.calleeOn, sc.callee, 0); ok {
			add(h)
		} else if i = slices.IndexFunc(hs, callee); i >= 0 {
			add(hs[i])
		}
	}
	if sc.receiver != "" {
		sc.members = r.memberNames(sc.receiver, nil, 0)
		addType(sc.receiver)
	}
	if sc.pkgDir != "" {
		for _, h := range r.inDir(sc.pkgDir, sc.member) {
			add(h)
			sc.members = appendName(sc.members, h.Name)
		}
	}
	sc.targets = len(sc.decls)
	// The names used on the cursor's line and the line before: their
	// declarations, or their types'.
	from := strings.LastIndexByte(before[:max(0, lineStart-1)], '\n') + 1
	ids := Identifiers(r.lang, before[from:])
	done := map[string]bool{sc.receiver: true, sc.callee: true}
	for k, n := len(ids)-1, 0; k >= 0 && n < maxLineNames; k-- {
		id := ids[k]
		if done[id] {
			continue
		}
		done[id] = true
		n++
		if t := typeOf(id); t != "" && !done[t] {
			done[t] = true
			addType(t)
			continue
		}
		for _, h := range r.named(id) {
			if h.Name == id && h.Container == "" {
				if h.Kind == skeleton.DeclType || h.Kind == skeleton.DeclIface {
					addType(id)
				} else {
					add(h)
				}
				break
			}
		}
	}
	if sc.enclosing != "" && !done[sc.enclosing] {
		addType(sc.enclosing)
	}
	return sc
}

// function returns the text of the function the cursor is in, as far as
// maxScan reaches: from the last line that starts a function at the
// left margin (Go) or the whole scan otherwise.
func (r *resolver) function(before string) string {
	if r.lang == "go" {
		if i := strings.LastIndex(before, "\nfunc "); i >= 0 {
			return before[i+1:]
		}
	}
	return before
}

// enclosingClass is the innermost class, struct, trait or impl whose body
// the cursor is in.
func enclosingClass(lang, before string) string {
	if lang == "python" {
		ms := pyClassRe.FindAllStringSubmatchIndex(before, -1)
		for k := len(ms) - 1; k >= 0; k-- {
			m := ms[k]
			indent := before[m[2]:m[3]]
			// Still inside when no later line starts at or left of it.
			inside := true
			for _, l := range strings.Split(before[m[1]:], "\n")[1:] {
				t := strings.TrimLeft(l, " \t")
				if t != "" && !strings.HasPrefix(t, "#") && len(l)-len(t) <= len(indent) && l != "" {
					inside = false
					break
				}
			}
			if inside {
				return before[m[4]:m[5]]
			}
		}
		return ""
	}
	// Brace languages: walk out of the blocks the cursor is in.
	depth := 0
	for i := len(before) - 1; i >= 0; i-- {
		switch before[i] {
		case '}':
			depth++
		case '{':
			if depth > 0 {
				depth--
				continue
			}
			ls := strings.LastIndexAny(before[:i], ";}") + 1
			if m := classRe.FindStringSubmatch(before[ls:i]); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// openParen returns the index of the innermost ( in s that is not closed
// by the end of s, or -1. Only the last few lines count.
func openParen(s string) int {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')', ']':
			depth++
		case '[':
			depth--
		case '(':
			if depth == 0 {
				return i
			}
			depth--
		case '{', '}', ';':
			return -1
		}
	}
	return -1
}

// chainType is the type the chain yields, or "".
func (r *resolver) chainType(chain []link, typeOf func(string) string) string {
	var t string
	first := chain[0]
	rest := chain[1:]
	if dir := r.packageDir(first.name); dir != "" && len(chain) > 1 {
		// pkg.F(…)… or pkg.T{…}: the package's declaration.
		t = r.valueType(rest[0].name)
		rest = rest[1:]
	} else if first.call {
		t = r.valueType(first.name)
	} else {
		t = typeOf(first.name)
	}
	// self.x and this.x: their last assignment before the cursor, in any
	// method, before what the class's declaration says.
	if len(rest) > 0 && !first.call && !rest[0].call && (first.name == "self" || first.name == "this") {
		if lt := typeOf(first.name + "." + rest[0].name); lt != "" {
			t, rest = lt, rest[1:]
		}
	}
	for _, l := range rest {
		if t == "" {
			return ""
		}
		t = r.memberType(t, l.name)
	}
	return t
}

// packageDir returns the repository directory of the module the current
// file imports as name (a Go package, a Python or TS module), or "".
func (r *resolver) packageDir(name string) string {
	for _, m := range r.mods {
		if path.Base(m) == name {
			// A local of the name hides the module: `const doc = new Doc()`
			// beside `import { Doc } from "./doc"`.
			if !r.hiding {
				r.hiding = true
				local := r.localType(r.fn, name) != ""
				r.hiding = false
				if local {
					return ""
				}
			}
			return m
		}
	}
	return ""
}

// inDir returns the top-level declarations of a package whose names start
// with prefix (all of them, up to maxDeclHits, when prefix is empty).
func (r *resolver) inDir(mod, prefix string) []declHit {
	var out []declHit
	for _, h := range r.search("d\x00"+mod+"\x00"+prefix, r.dirQuery(mod, prefix)) {
		if h.Container == "" && importedBy(h.Path, []string{mod}) {
			out = append(out, h)
		}
	}
	return out
}

func (r *resolver) dirQuery(mod, prefix string) query.Query {
	// The module is a suffix of the directory: its last element names it.
	base := path.Base(mod)
	var q query.Query
	if prefix != "" {
		pq := query.NewPrefixQuery(prefix)
		pq.SetField(fieldName)
		q = pq
	} else {
		q = query.NewMatchAllQuery()
	}
	dq := query.NewWildcardQuery("*" + base)
	dq.SetField(fieldDDir)
	// Or the module is a file: Python's os.py, TS's ./util.ts.
	fq := query.NewWildcardQuery("*" + base + ".*")
	fq.SetField(fieldPath)
	return query.NewConjunctionQuery([]query.Query{q, query.NewDisjunctionQuery([]query.Query{dq, fq})})
}

// localDef is a local definition: re's group "n" is the defined names
// (comma-separated) and group "t" their type; without a "t" group the
// names are given the value that starts where re's match ends.
type localDef struct {
	re     *regexp.Regexp
	ni, ti int // indexes of groups n and t
}

// localDefs are compiled once: a lookup matches any name and checks it, so
// it compiles nothing. A value is the rest of its line, left out of the
// match so that it cannot hide a later definition on the same line.
var localDefs = func() []localDef {
	const n = `(?P<n>[\w$]+)`
	pats := []string{
		`\b(?P<n>[\w$]+\s*(?:,\s*[\w$]+\s*)*):=\s*`,                   // Go x := v, x, err := v
		`\bvar\s+%s\s+(?:\*|\[\])*(?P<t>[\w.]+)`,                      // Go var x T
		`\b(?:var|let|const)\s+%s\s*:\s*(?P<t>[\w.$<>\[\]]+)`,         // TS let x: T
		`\b(?:var|let|const|val|auto)\s+%s\s*=\s*`,                    // let x = v
		`(?:^|[(,]\s*|\s)%s\s*:\s*(?:\*|&|mut\s|\[\])*(?P<t>[\w.$]+)`, // x: T (Python, TS, Rust)
		`[(,]\s*%s\s+(?:\*|\[\]|\.\.\.)*(?P<t>[\w.]+)`,                // Go parameters
		`\b(?P<t>[A-Z][\w$]*)(?:<[^>]*>)?[*&\s]+%s\s*[=;,)]`,          // Java, C: T x
		`(?m)^\s*%s\s*=\s*`,                           // Python x = v
		`(?m)^\s*(?P<n>(?:self|this)\.[\w$]+)\s*=\s*`, // self.x = v, this.x = v
	}
	out := make([]localDef, len(pats))
	for i, p := range pats {
		re := regexp.MustCompile(strings.Replace(p, "%s", n, 1))
		out[i] = localDef{re, re.SubexpIndex("n"), re.SubexpIndex("t")}
	}
	return out
}()

// lastDef is the offset in fn of d's last definition of name and its type
// or value as written. Only the line of each occurrence of name as a whole
// name and the next (where a value may start) are matched, not the whole
// function once per pattern (every pattern's names are whole runs of
// [\w$]); the lines are read from the cursor back, until one holds a
// definition after which no earlier line can, and at most maxDefLines of
// them.
func (d localDef) lastDef(fn, name string) (at int, group string, ok bool) {
	lineEnd := func(i int) int {
		if e := strings.IndexByte(fn[i:], '\n'); e >= 0 {
			return i + e
		}
		return len(fn)
	}
	for end, lines := len(fn), 0; lines < maxDefLines; {
		j := strings.LastIndex(fn[:end], name)
		if j < 0 {
			break
		}
		if k := j + len(name); j > 0 && isWordByte(fn[j-1]) || k < len(fn) && (isWordByte(fn[k]) || fn[k] == '$') {
			end = k - 1
			continue
		}
		lo := strings.LastIndexByte(fn[:j], '\n') + 1
		hi := lineEnd(j)
		if hi < len(fn) {
			hi = lineEnd(hi + 1)
		}
		if ok && hi <= at {
			break
		}
		end, lines = lo, lines+1
		for _, m := range d.re.FindAllStringSubmatchIndex(fn[lo:hi], -1) {
			k := memberAt(fn[lo+m[2*d.ni]:lo+m[2*d.ni+1]], name)
			// On a tie the earlier line's match wins, as read forward.
			if k < 0 || ok && lo+m[2*d.ni]+k < at {
				continue
			}
			at, ok = lo+m[2*d.ni]+k, true
			if d.ti >= 0 {
				group = fn[lo+m[2*d.ti] : lo+m[2*d.ti+1]]
			} else {
				group, _, _ = strings.Cut(fn[lo+m[1]:], "\n")
			}
		}
	}
	return at, group, ok
}

// maxDefLines bounds the lines lastDef matches for one name: a name on
// every line of a long table or comment block (Python's encodings) cost
// Assemble more than ten milliseconds, and a definition further back than
// this many uses is seldom the one in effect.
const maxDefLines = 32

// isWordByte reports whether c is in regexp's \w.
func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// memberAt is the offset of name in a comma-separated list of names, or -1.
func memberAt(list, name string) int {
	for off := 0; ; {
		item, rest, more := strings.Cut(list[off:], ",")
		if strings.TrimSpace(item) == name {
			return off + len(item) - len(strings.TrimLeft(item, " \t\n\r\f\v"))
		}
		if !more {
			return -1
		}
		off = len(list) - len(rest)
	}
}

// localType finds the type of a local name in fn from its last definition
// before the cursor.
func (r *resolver) localType(fn, name string) string {
	if !strings.Contains(fn, name) {
		return ""
	}
	best, bestAt := "", -1
	for _, d := range localDefs {
		at, g, ok := d.lastDef(fn, name)
		if !ok || at <= bestAt {
			continue
		}
		t := lastName(g)
		if d.ti < 0 {
			t = r.exprType(g)
		}
		if t != "" {
			best, bestAt = t, at
		}
	}
	return best
}

var (
	compositeRe = regexp.MustCompile(`^&?\s*([\w.]+)\s*\{`)
	newRe       = regexp.MustCompile(`^new\s+([\w.$]+)`)
)

// exprType is the type of an expression as written: &T{…}, T{…}, new T(…),
// F(…), pkg.F(…), x.m(…).
func (r *resolver) exprType(e string) string {
	e = strings.TrimSpace(e)
	e = strings.TrimPrefix(e, "await ")
	e = strings.TrimPrefix(e, "try ")
	if m := compositeRe.FindStringSubmatch(e); m != nil {
		return lastName(m[1])
	}
	if m := newRe.FindStringSubmatch(e); m != nil {
		return lastName(m[1])
	}
	// Cut the expression at its end: the chain before the first call's
	// closing and whatever follows.
	end := len(e)
	depth := 0
	for i := 0; i < len(e); i++ {
		switch e[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
			if depth == 0 {
				end = i + 1
			}
		case ' ', ';', ',':
			if depth == 0 {
				end = i
				i = len(e)
			}
		}
	}
	chain := chainBefore(e[:end])
	if len(chain) == 0 || !chain[len(chain)-1].call {
		return ""
	}
	return r.chainType(chain, func(name string) string { return r.valueType(name) })
}

// lastName is the last dotted element: pkg.T → T.
func lastName(s string) string {
	if i := strings.LastIndexAny(s, ".:"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimRight(s, "<>[]*&?")
	if i := strings.IndexAny(s, "<["); i >= 0 {
		s = s[:i]
	}
	return s
}
