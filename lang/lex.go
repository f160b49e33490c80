package lang

import "strings"

// Class is what a byte of source is part of.
type Class uint8

const (
	Code Class = iota
	Comment
	String
)

func (c Class) String() string {
	return [...]string{"code", "comment", "string"}[c]
}

// Span is a run of bytes [Start, End) of one class. A comment or string
// span includes its delimiters; a line comment ends before its newline.
type Span struct {
	Start, End int
	Class      Class
}

// State is where a lexer stands between two pieces of source: in code, or
// inside a comment or string that the next piece continues. The zero State
// is code.
type State struct {
	class Class
	close string // the delimiter that ends the comment or string; "" ends at a newline
	raw   bool
	multi bool
	// escaped: the piece ended on a backslash that escapes the next byte.
	escaped bool
	// interp opens code inside the string (Quote.Interp).
	interp string
	// nest has a byte per interpolation the lexer is inside, outermost
	// first: the depth of the braces opened in its code, so the `}` that
	// ends it is told from one that closes an object. A string keeps it,
	// and a string or comment that closes gives it back to the code.
	nest string
}

// Class is the class of the next byte if it continues what came before.
func (s State) Class() Class { return s.class }

// Scan lexes src, which continues from st (the zero State at the start of
// a file), calls fn with each span in order, and returns the state at the
// end of src. Spans cover src without gaps; adjacent code bytes form one
// span. A nil fn just computes the state.
func (l *Language) Scan(src string, st State, fn func(Span)) State {
	start, i := 0, 0
	emit := func(end int, c Class) {
		if end > start && fn != nil {
			fn(Span{start, end, c})
		}
		start = end
	}
	for i < len(src) {
		if st.class != Code {
			if st.escaped {
				st.escaped, i = false, i+1
			}
			end, closed, interp := st.end(src, i)
			if i = end; i > len(src) {
				st.escaped, i = true, len(src)
			}
			if !closed {
				break
			}
			emit(i, st.class)
			st = State{nest: st.nest}
			if interp {
				st.nest += "\x00"
			}
			continue
		}
		c := src[i]
		if !l.opens[c] {
			if st.nest != "" && (c == '{' || c == '}') {
				if st = st.brace(c); st.class != Code {
					emit(i, Code) // the `}` that ends an interpolation is the string's
					st = l.resume(st.nest)
				}
			}
			i++ // most bytes open nothing: skip the delimiter comparisons
			continue
		}
		next, ok := l.open(src, i)
		if !ok {
			i++
			continue
		}
		emit(i, Code)
		nest := st.nest
		st = next.state
		st.nest = nest
		i += len(next.open)
	}
	emit(len(src), st.class)
	return st
}

// end finds where the comment or string that st is inside ends in src,
// from i: the offset after its closing delimiter (closed) or the end of
// what was given (a newline ends a single-line one: closed, before it;
// len(src)+1 when a backslash at the end escapes the next piece's first
// byte). interp: what ended it opens an interpolation, not the string's
// end.
func (st State) end(src string, i int) (end int, closed, interp bool) {
	var first, in byte // of the closing delimiter and of Interp: the only other bytes that matter
	if st.close != "" {
		first = st.close[0]
	}
	if st.interp != "" {
		in = st.interp[0]
	}
	for i < len(src) {
		c := src[i]
		if c != '\n' && c != '\\' && c != first && (c != in || in == 0) {
			i++
			continue
		}
		switch {
		case c == '\n' && !st.multi:
			return i, true, false
		case c == '\\' && !st.raw && st.class == String:
			i += 2
		case st.close != "" && strings.HasPrefix(src[i:], st.close):
			return i + len(st.close), true, false
		case in != 0 && strings.HasPrefix(src[i:], st.interp):
			return i + len(st.interp), true, true
		default:
			i++
		}
	}
	return max(i, len(src)), false, false
}

// brace counts a `{` or `}` in the code of the innermost interpolation;
// the `}` that ends it returns a String state (the caller resumes the
// quote) with that interpolation popped.
func (st State) brace(c byte) State {
	n := len(st.nest) - 1
	depth := st.nest[n]
	switch {
	case c == '{' && depth < 0xff:
		st.nest = st.nest[:n] + string(depth+1)
	case c == '}' && depth > 0:
		st.nest = st.nest[:n] + string(depth-1)
	case c == '}':
		st.class, st.nest = String, st.nest[:n]
	}
	return st
}

// resume is the state inside l's interpolating quote after an
// interpolation ends, within the interpolations of nest.
func (l *Language) resume(nest string) State {
	q := l.interp
	return State{class: String, close: q.Close, raw: q.Raw, multi: q.Multiline, interp: q.Interp, nest: nest}
}

type opener struct {
	open  string
	state State
}

// openers marks the first bytes of l's comment and string delimiters.
func (l *Language) openers() (set [256]bool) {
	for _, b := range l.BlockComments {
		set[b.Open[0]] = true
	}
	for _, c := range l.LineComments {
		set[c[0]] = true
	}
	for _, q := range l.Strings {
		set[q.Open[0]] = true
	}
	return set
}

// open reports whether a comment or string opens at src[i].
func (l *Language) open(src string, i int) (opener, bool) {
	rest := src[i:]
	for _, b := range l.BlockComments { // before line comments: Lua's --[[ is not --
		if strings.HasPrefix(rest, b.Open) {
			return opener{b.Open, State{class: Comment, close: b.Close, raw: true, multi: true}}, true
		}
	}
	for _, c := range l.LineComments {
		if strings.HasPrefix(rest, c) && (!l.HashNeedsSpace || i == 0 || isBlank(src[i-1])) {
			return opener{c, State{class: Comment, raw: true}}, true
		}
	}
	for _, q := range l.Strings {
		if !strings.HasPrefix(rest, q.Open) {
			continue
		}
		st := State{class: String, close: q.Close, raw: q.Raw, multi: q.Multiline, interp: q.Interp}
		if q.MaxLen > 0 {
			window := rest[:min(len(rest), q.MaxLen)]
			end, closed, _ := st.end(window, len(q.Open))
			if !closed || end < len(q.Open)+len(q.Close) || end > len(window) || !strings.HasSuffix(window[:end], q.Close) {
				continue
			}
		}
		return opener{q.Open, st}, true
	}
	return opener{}, false
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Spans returns the spans of src lexed from its start.
func (l *Language) Spans(src string) []Span {
	var out []Span
	l.Scan(src, State{}, func(s Span) { out = append(out, s) })
	return out
}

// At returns the class that text typed at the end of src would have (src
// lexed from its start): Comment when src ends inside a comment, String
// inside a string.
func (l *Language) At(src string) Class { return l.Scan(src, State{}, nil).Class() }

// IndentWidth is the width of line's leading blanks, a tab counting as
// four columns: the one measure that indentation rules compare.
func IndentWidth(line string) int {
	w := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			w++
		case '\t':
			w += 4
		default:
			return w
		}
	}
	return w
}
