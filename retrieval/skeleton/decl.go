package skeleton

import (
	"fmt"
	"strings"
)

// DeclKind says what a declaration declares.
type DeclKind string

const (
	DeclType   DeclKind = "type"   // a struct, class, enum, alias or named type
	DeclIface  DeclKind = "iface"  // an interface or trait
	DeclFunc   DeclKind = "func"   // a function at the top level of its file
	DeclMethod DeclKind = "method" // a function with a container (receiver, class)
	DeclValue  DeclKind = "value"  // a const or var group, a module-level variable
)

// Decl is one declaration of a file, the unit of the declaration index:
// retrieval looks declarations up by name and by container, and puts
// their Text into prompts.
type Decl struct {
	Kind DeclKind
	Name string
	// Container is the type a method or field belongs to ("" at the top
	// level): the receiver's base type in Go, the enclosing class
	// elsewhere.
	Container string
	// Type is the base name of what using the declaration yields, for
	// resolving `x := F()` and chains: a function's first result, a
	// variable's or constant's type, a type's own name; "" when unknown.
	Type string
	// Fields are a type's members declared inside it (struct fields,
	// interface methods, class fields and properties), with their types'
	// base names; embedded types have an empty name.
	Fields []Field
	// Mentions are the base names of the types the declaration mentions
	// (parameters, results, fields), for search.
	Mentions []string
	// Text is the declaration in compact source form: a signature line, a
	// type with its fields, never a body; a doc comment's first line
	// before it when there is one.
	Text string
}

// Field is a member declared inside a type.
type Field struct {
	Name, Type string
}

// String is the one-line form the golden files use.
func (d Decl) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", d.Kind, d.Name)
	if d.Container != "" {
		fmt.Fprintf(&b, " in %s", d.Container)
	}
	if d.Type != "" {
		fmt.Fprintf(&b, " : %s", d.Type)
	}
	for _, f := range d.Fields {
		fmt.Fprintf(&b, " .%s:%s", f.Name, f.Type)
	}
	if len(d.Mentions) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(d.Mentions, " "))
	}
	return b.String()
}

// baseName reduces a type's source text to the name of the type it is
// built on, for resolution: "*pkg.Model" → "Model", "[]T" → "T",
// "Optional[List[Foo]]" → "Foo" is not attempted (""): only pointers,
// slices, arrays, references and qualifiers are looked through, plus
// the commonest single-argument wrappers (Optional, Promise, Box, Rc,
// Arc, Option, Result's first argument).
func baseName(t string) string {
	t = strings.TrimSpace(t)
	for {
		n := len(t)
		t = strings.TrimSpace(strings.TrimLeft(t, "*&[]0123456789 "))
		t = strings.TrimPrefix(t, "const ")
		t = strings.TrimPrefix(t, "mut ")
		t = strings.TrimPrefix(t, "dyn ")
		t = strings.TrimPrefix(t, "impl ")
		t = strings.TrimPrefix(t, "readonly ")
		t = strings.TrimPrefix(t, ":")
		t = strings.TrimSpace(t)
		if i := strings.IndexAny(t, "<["); i > 0 {
			switch t[:i] {
			case "Optional", "Promise", "Box", "Rc", "Arc", "Option", "Result", "Awaitable", "ReadonlyArray", "Array", "List", "list", "Vec":
				t = strings.TrimRight(t[i+1:], ">] ")
				if j := strings.IndexAny(t, ",|"); j >= 0 {
					t = t[:j]
				}
				continue
			}
		}
		if len(t) == n {
			break
		}
	}
	if i := strings.IndexAny(t, "<[({ |,=;"); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimRight(t, "?*&")
	if i := strings.LastIndexAny(t, ".:"); i >= 0 {
		t = t[i+1:]
	}
	if !isIdent(t) {
		return ""
	}
	return t
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80 || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
