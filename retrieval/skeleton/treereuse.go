package skeleton

import (
	"bytes"
	"fmt"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// parse returns the syntax tree of src; the caller closes it.
func (sp *spec) parse(src []byte) (*sitter.Tree, error) {
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(sp.language()); err != nil {
		return nil, fmt.Errorf("skeleton: %w", err)
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		return nil, fmt.Errorf("skeleton: parse failed")
	}
	return tree, nil
}

// body records the range of fn's body that the declarations do not depend
// on, as Reuse wants it: edits strictly after the first offset and before
// the second leave them alone if the body still parses.
func (w *walker) body(fn, body *sitter.Node) {
	start, end := int(body.StartByte()), int(body.EndByte())
	if w.sp.braces {
		if end-start >= 2 && w.src[start] == '{' && w.src[end-1] == '}' {
			w.bodies = append(w.bodies, [2]int{start, end - 1})
		}
		return
	}
	// Python: from the newline before the block's first line to the
	// block's end. Only a block on lines of its own, followed by a line
	// indented no deeper than the def: then no line of the block, however
	// nested, decides where the comments after it go.
	ls := lineStart(w.src, start)
	if ls <= int(fn.StartByte()) || !blank(w.src[ls:start]) {
		return
	}
	k := end
	for k < len(w.src) && isSpace(w.src[k]) {
		k++
	}
	if k < len(w.src) {
		next, def := lineStart(w.src, k), w.indentOf(fn)
		indent := string(w.src[next:k])
		if next < end || len(indent) > len(def) || def[:len(indent)] != indent {
			return
		}
	}
	w.bodies = append(w.bodies, [2]int{ls - 1, end})
}

// intact reports whether src[lo:hi+1], the new text of a body recorded by
// body, still parses as one body, as it did in the file's old text,
// old[lo:oldHi+1].
func (sp *spec) intact(old, src []byte, lo, oldHi, hi int) bool {
	if sp.braces {
		return sp.isBlock(src[lo : hi+1])
	}
	if hi > len(src) || oldHi > len(old) {
		return false
	}
	return sp.pyBlock(old[lo+1:oldHi]) && sp.pyBlock(src[lo+1:hi])
}

// isBlock reports whether b parses without errors as one block in braces.
func (sp *spec) isBlock(b []byte) bool {
	tree, err := sp.parse(b)
	if err != nil {
		return false
	}
	defer tree.Close()
	root := tree.RootNode()
	if root.HasError() || root.NamedChildCount() != 1 {
		return false
	}
	n := root.NamedChild(0)
	if n.Kind() == "expression_statement" && n.NamedChildCount() == 1 { // Rust
		n = n.NamedChild(0)
	}
	last := n.ChildCount() - 1
	return n.StartByte() == 0 && int(n.EndByte()) == len(b) && last > 0 &&
		n.Child(0).Kind() == "{" && n.Child(last).Kind() == "}"
}

// pyBlock parses t, the lines of a Python function body, as the block of
// an if statement and reports whether t parses without errors as one block whose every line, strings aside,
// starts with the indentation of its first line, its first statement
// included: then t is one block in
// its file too, as tokens at the same depth, whatever is around it.
func (sp *spec) pyBlock(t []byte) bool {
	const head = "if 1:\n"
	b := append([]byte(head), t...)
	tree, err := sp.parse(b)
	if err != nil {
		return false
	}
	defer tree.Close()
	root := tree.RootNode()
	if root.HasError() || root.NamedChildCount() != 1 || root.NamedChild(0).Kind() != "if_statement" {
		return false
	}
	blk := root.NamedChild(0).ChildByFieldName("consequence")
	// The block must span t exactly, first line to last, as it did in the
	// file, for its recorded offsets to be those a parse would find.
	if blk == nil || blk.NamedChildCount() == 0 || lineStart(b, int(blk.StartByte())) != len(head) ||
		int(blk.EndByte()) != len(b) || blk.NamedChild(blk.NamedChildCount()-1).Kind() == "comment" {
		return false
	}
	indent := b[len(head):lineEnd(b, len(head))]
	indent = indent[:len(indent)-len(bytes.TrimLeft(indent, " \t"))]
	for ls := len(head); ls < len(b); ls = lineEnd(b, ls) + 1 {
		k := ls
		for k < len(b) && isSpace(b[k]) && b[k] != '\n' {
			k++
		}
		if k == len(b) || b[k] == '\n' {
			continue
		}
		if n := root.DescendantForByteRange(uint(k), uint(k+1)); int(n.StartByte()) < ls {
			continue // inside a string that began on an earlier line
		}
		if !bytes.HasPrefix(b[ls:], indent) {
			return false
		}
	}
	return true
}

// lineStart returns the offset of the start of the line holding b[i].
func lineStart(b []byte, i int) int { return bytes.LastIndexByte(b[:i], '\n') + 1 }

// lineEnd returns the offset of the newline ending the line from i, or len(b).
func lineEnd(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(b)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func blank(b []byte) bool { return len(bytes.TrimLeft(b, " \t\n\r\f")) == 0 }
