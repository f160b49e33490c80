package retrieval

import "strings"

// Identifiers returns the identifiers in s in order of appearance, with
// repeats, skipping the keywords of language lang and single letters (they
// carry no information about what to retrieve).
func Identifiers(lang, s string) []string {
	kw := keywords[keywordSet(lang)]
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		if !identStart(c) {
			// Skip numbers whole so "0x1F" does not yield "x1F".
			if isDigit(c) {
				for i < len(s) && (identStart(s[i]) || isDigit(s[i])) {
					i++
				}
				continue
			}
			i++
			continue
		}
		j := i + 1
		for j < len(s) && (identStart(s[j]) || isDigit(s[j])) {
			j++
		}
		if w := s[i:j]; j-i > 1 && !kw[w] {
			out = append(out, w)
		}
		i = j
	}
	return out
}

func identStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// keywordSet maps an LSP language id to the keyword list that applies.
func keywordSet(lang string) string {
	switch lang {
	case "javascriptreact", "typescript", "typescriptreact":
		return "javascript"
	case "c", "objective-c", "objective-cpp":
		return "cpp"
	}
	return lang
}

// keywords are each language's keywords and its most common predeclared
// names (builtin types and functions): they carry no information about what
// to retrieve, and the evaluation does not count them.
var keywords = map[string]map[string]bool{
	"go": set(`break case chan const continue default defer else fallthrough for func go goto if
		import interface map package range return select struct switch type var
		nil true false iota bool byte rune string int int8 int16 int32 int64 uint uint8 uint16
		uint32 uint64 uintptr float32 float64 complex64 complex128 error any comparable
		append cap clear close complex copy delete imag len make max min new panic print println
		real recover`),
	"python": set(`False None True and as assert async await break class continue def del elif
		else except finally for from global if import in is lambda nonlocal not or pass raise
		return try while with yield self cls print len range str int float bool list dict set
		tuple object type isinstance super`),
	"javascript": set(`break case catch class const continue debugger default delete do else
		export extends finally for function if import in instanceof new return super switch this
		throw try typeof var void while with yield let static enum await implements package
		protected interface private public null true false undefined async of from as type
		string number boolean any unknown never readonly declare namespace module keyof`),
	"java": set(`abstract assert boolean break byte case catch char class const continue default
		do double else enum extends final finally float for goto if implements import instanceof
		int interface long native new package private protected public return short static
		strictfp super switch synchronized this throw throws transient try void volatile while
		true false null var record String Object Override`),
	"rust": set(`as async await break const continue crate dyn else enum extern false fn for if
		impl in let loop match mod move mut pub ref return self Self static struct super trait
		true type unsafe use where while i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32
		f64 bool char str String Vec Option Some None Result Ok Err Box`),
	"cpp": set(`auto break case char const continue default do double else enum extern float for
		goto if inline int long register restrict return short signed sizeof static struct switch
		typedef union unsigned void volatile while bool class delete false friend mutable
		namespace new nullptr operator private protected public template this throw true try
		catch typename using virtual include define ifdef ifndef endif pragma NULL std size_t`),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
