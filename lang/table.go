package lang

import "strings"

// Building blocks shared by many languages.
var (
	slash    = []string{"//"}
	hash     = []string{"#"}
	dashes   = []string{"--"}
	cBlock   = []Pair{{"/*", "*/"}}
	xmlBlock = []Pair{{"<!--", "-->"}}
	brackets = []Pair{{"(", ")"}, {"[", "]"}, {"{", "}"}}

	dq      = Quote{Open: `"`, Close: `"`}
	sq      = Quote{Open: "'", Close: "'"}
	rawSQ   = Quote{Open: "'", Close: "'", Raw: true}
	tdq     = Quote{Open: `"""`, Close: `"""`, Multiline: true}
	tsq     = Quote{Open: "'''", Close: "'''", Multiline: true}
	ticks   = Quote{Open: "`", Close: "`", Multiline: true}
	cQuotes = []Quote{dq, sq}

	// template is JavaScript's template literal: `a ${b} c`.
	template = Quote{Open: "`", Close: "`", Multiline: true, Interp: "${"}

	cOps = []string{"<<=", ">>=", "...", "&^=", "===", "!==", "**=", ">>>",
		":=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--", "+=", "-=", "*=",
		"/=", "%=", "&=", "|=", "^=", "<<", ">>", "->", "::", "=>", "&^", "**", "?."}
	pyOps = []string{"**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=",
		"**", "//", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "@="}

	cEnds  = []string{"}", ")", "]", "case", "default", "else", "catch", "finally"}
	cExits = []string{"return", "break", "continue", "throw"}
)

// Keyword sets shared by dialects.
var (
	jsKeywords = `break case catch class const continue debugger default delete do else
		export extends finally for function if import in instanceof new return super switch this
		throw try typeof var void while with yield let static enum await implements package
		protected interface private public null true false undefined async of from as type
		string number boolean any unknown never readonly declare namespace module keyof`
	cKeywords = `auto break case char const continue default do double else enum extern float for
		goto if inline int long register restrict return short signed sizeof static struct switch
		typedef union unsigned void volatile while bool class delete false friend mutable
		namespace new nullptr operator private protected public template this throw true try
		catch typename using virtual include define ifdef ifndef endif pragma NULL std size_t`
)

// cLike is a language with C's comments, strings, brackets and statements.
func cLike(id string, exts ...string) *Language {
	return &Language{ID: id, Extensions: exts, LineComments: slash, BlockComments: cBlock,
		Strings: cQuotes, Brackets: brackets, BlockEnds: cEnds, Exits: cExits, Operators: cOps}
}

// hashLike is a language with '#' line comments and Python's operators.
func hashLike(id string, exts ...string) *Language {
	return &Language{ID: id, Extensions: exts, LineComments: hash, Strings: cQuotes,
		Brackets: brackets, Operators: pyOps}
}

// markup is a language whose comments are <!-- -->.
func markup(id string, exts ...string) *Language {
	return &Language{ID: id, Extensions: exts, BlockComments: xmlBlock, Strings: []Quote{dq},
		Brackets: brackets, Operators: cOps}
}

// with sets fields of l in place and returns it.
func with(l *Language, f func(*Language)) *Language { f(l); return l }

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// fallback is the syntax of a language not listed.
var fallback = cLike("")

var table = []*Language{
	with(cLike("go", "go"), func(l *Language) {
		l.Strings = []Quote{dq, sq, {Open: "`", Close: "`", Raw: true, Multiline: true}}
		l.BlockEnds = []string{"}", ")", "]", "case", "default"}
		l.Exits = []string{"return", "break", "continue", "goto", "panic(", "os.Exit(", "log.Fatal"}
		l.keywords = words(`break case chan const continue default defer else fallthrough for func go goto if
		import interface map package range return select struct switch type var
		nil true false iota bool byte rune string int int8 int16 int32 int64 uint uint8 uint16
		uint32 uint64 uintptr float32 float64 complex64 complex128 error any comparable
		append cap clear close complex copy delete imag len make max min new panic print println
		real recover`)
	}),
	with(cLike("go.mod"), func(l *Language) {
		l.Names, l.BlockComments, l.Strings = []string{"go.mod"}, nil, []Quote{dq, {Open: "`", Close: "`", Raw: true}}
		l.BlockEnds, l.Exits = []string{")"}, nil
	}),
	with(hashLike("python", "py", "pyi"), func(l *Language) {
		l.Strings, l.DocStrings = []Quote{tdq, tsq, dq, sq}, []string{`"""`, "'''"}
		l.BlockEnds = []string{")", "]", "}", "else", "elif", "except", "finally", "case"}
		l.Exits = []string{"return", "break", "continue", "raise", "sys.exit("}
		l.keywords = words(`False None True and as assert async await break class continue def del elif
		else except finally for from global if import in is lambda nonlocal not or pass raise
		return try while with yield self cls print len range str int float bool list dict set
		tuple object type isinstance super`)
	}),
	with(cLike("javascript", "js", "mjs", "cjs"), func(l *Language) {
		l.Strings = []Quote{dq, sq, template}
		l.keywords = words(jsKeywords)
	}),
	with(cLike("javascriptreact", "jsx"), func(l *Language) {
		l.Family, l.Strings, l.keywords = "javascript", []Quote{dq, sq, template}, words(jsKeywords)
	}),
	with(cLike("typescript", "ts", "mts", "cts"), func(l *Language) {
		l.Strings, l.keywords = []Quote{dq, sq, template}, words(jsKeywords)
	}),
	with(cLike("typescriptreact", "tsx"), func(l *Language) {
		l.Family, l.Strings, l.keywords = "typescript", []Quote{dq, sq, template}, words(jsKeywords)
	}),
	with(cLike("java", "java"), func(l *Language) {
		l.Strings = []Quote{tdq, dq, sq}
		l.keywords = words(`abstract assert boolean break byte case catch char class const continue default
		do double else enum extends final finally float for goto if implements import instanceof
		int interface long native new package private protected public return short static
		strictfp super switch synchronized this throw throws transient try void volatile while
		true false null var record String Object Override`)
	}),
	with(cLike("kotlin", "kt", "kts"), func(l *Language) {
		l.Strings = []Quote{tdq, dq, sq}
		l.BlockEnds = []string{"}", ")", "]", "else", "catch", "finally"}
		l.keywords = words(`as break class continue do else false for fun if in interface is null object
		package return super this throw true try typealias typeof val var when while by catch
		constructor finally import init override private protected public internal data sealed
		open abstract companion lateinit suspend Int Long String Boolean Unit Any List Map`)
	}),
	with(cLike("scala", "scala"), func(l *Language) { l.Strings = []Quote{tdq, dq, sq} }),
	with(cLike("rust", "rs"), func(l *Language) {
		l.Strings = []Quote{{Open: `"`, Close: `"`, Multiline: true}, {Open: "'", Close: "'", MaxLen: 4}}
		l.BlockEnds = []string{"}", ")", "]"}
		l.Exits = []string{"return", "break", "continue", "panic!(", "unreachable!(", "todo!("}
		l.keywords = words(`as async await break const continue crate dyn else enum extern false fn for if
		impl in let loop match mod move mut pub ref return self Self static struct super trait
		true type unsafe use where while i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32
		f64 bool char str String Vec Option Some None Result Ok Err Box`)
	}),
	with(cLike("c", "c", "h"), func(l *Language) {
		l.Exits, l.keywords = append(cExits[:len(cExits):len(cExits)], "goto", "exit(", "abort("), words(cKeywords)
	}),
	with(cLike("cpp", "cc", "cpp", "cxx", "hpp", "hh", "hxx"), func(l *Language) {
		l.Exits, l.keywords = append(cExits[:len(cExits):len(cExits)], "goto", "exit(", "abort("), words(cKeywords)
	}),
	with(cLike("objective-c", "m"), func(l *Language) { l.Family, l.keywords = "c", words(cKeywords) }),
	with(cLike("objective-cpp", "mm"), func(l *Language) { l.Family, l.keywords = "cpp", words(cKeywords) }),
	with(cLike("csharp", "cs"), func(l *Language) {
		l.Strings = []Quote{tdq, dq, sq}
		l.Exits = append(cExits[:len(cExits):len(cExits)], "goto")
		l.keywords = words(`abstract as base bool break byte case catch char checked class const continue
		decimal default delegate do double else enum event explicit extern false finally fixed float
		for foreach goto if implicit in int interface internal is lock long namespace new null object
		operator out override params private protected public readonly ref return sbyte sealed short
		sizeof static string struct switch this throw true try typeof uint ulong unchecked unsafe
		ushort using virtual void volatile while var async await get set value String`)
	}),
	with(cLike("swift", "swift"), func(l *Language) {
		l.Strings = []Quote{tdq, dq}
		l.keywords = words(`associatedtype class deinit enum extension fileprivate func import init inout
		internal let open operator private protocol public rethrows static struct subscript typealias
		var break case continue default defer do else fallthrough for guard if in repeat return switch
		where while as catch false is nil self Self super throw throws true try async await Int String
		Bool Double`)
	}),
	with(cLike("dart", "dart"), func(l *Language) { l.Strings = []Quote{tdq, tsq, dq, sq} }),
	with(cLike("php", "php"), func(l *Language) {
		l.LineComments = []string{"//", "#"}
		l.Exits = append(cExits[:len(cExits):len(cExits)], "exit", "die(")
		l.BlockEnds = append(cEnds[:len(cEnds):len(cEnds)], "endif", "endforeach", "endwhile", "endfor", "endswitch")
		l.keywords = words(`abstract and array as break callable case catch class clone const continue
		declare default do echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile
		extends final finally fn for foreach function global goto if implements include instanceof
		insteadof interface isset list match namespace new or print private protected public readonly
		require return static switch throw trait try unset use var while yield null true false self
		parent this`)
	}),
	with(cLike("zig", "zig"), func(l *Language) { l.BlockComments = nil }),
	cLike("proto", "proto"),

	with(hashLike("ruby", "rb"), func(l *Language) {
		l.BlockEnds = []string{"end", "else", "elsif", "when", "in", "rescue", "ensure", "}", ")", "]"}
		l.Exits = []string{"return", "break", "next", "redo", "retry", "raise", "exit", "abort"}
		l.keywords = words(`BEGIN END alias and begin break case class def defined? do else elsif end
		ensure false for if in module next nil not or redo rescue retry return self super then true
		undef unless until when while yield puts require require_relative attr_reader attr_accessor
		attr_writer private protected public`)
	}),
	with(hashLike("shellscript", "sh", "bash", "zsh"), func(l *Language) {
		l.HashNeedsSpace = true
		l.Strings = []Quote{{Open: "'", Close: "'", Raw: true, Multiline: true}, {Open: `"`, Close: `"`, Multiline: true}, ticks}
		l.BlockEnds = []string{"fi", "done", "esac", "else", "elif", ";;", "}", ")"}
		l.Exits = []string{"exit", "return", "break", "continue"}
		l.keywords = words(`if then else elif fi case esac for while until do done in function select
		time return exit break continue local export readonly declare echo printf set unset shift
		source true false test`)
	}),
	with(hashLike("perl", "pl", "pm"), func(l *Language) {
		l.Exits = []string{"return", "last", "next", "redo", "die", "exit"}
		l.BlockEnds = []string{"}", ")", "]"}
	}),
	with(hashLike("r", "r"), func(l *Language) {
		l.Strings, l.BlockEnds = []Quote{dq, sq, ticks}, []string{"}", ")", "]", "else"}
	}),
	with(hashLike("julia", "jl"), func(l *Language) {
		l.BlockComments = []Pair{{"#=", "=#"}}
		l.Strings = []Quote{tdq, dq, {Open: "'", Close: "'", MaxLen: 4}}
		l.BlockEnds = []string{"end", "else", "elseif", "catch", "finally", ")", "]", "}"}
		l.Exits = []string{"return", "break", "continue", "throw(", "error("}
	}),
	with(hashLike("elixir", "ex", "exs"), func(l *Language) {
		l.Strings = []Quote{tdq, tsq, dq, sq}
		l.BlockEnds = []string{"end", "else", "rescue", "catch", "after", ")", "]", "}"}
		l.Exits = []string{"raise", "throw", "exit("}
		l.keywords = words(`after and catch cond def defp defmodule defstruct defmacro defprotocol
		defimpl do else end false fn for if import in nil not or quote raise receive require rescue
		true try unless unquote use when with alias case`)
	}),
	with(hashLike("nim", "nim"), func(l *Language) {
		l.BlockComments = []Pair{{"#[", "]#"}}
		l.Strings = []Quote{{Open: `"""`, Close: `"""`, Raw: true, Multiline: true}, dq, {Open: "'", Close: "'", MaxLen: 6}}
		l.BlockEnds = []string{"else", "elif", "except", "finally", "of", ")", "]", "}"}
		l.Exits = []string{"return", "break", "continue", "raise", "quit("}
	}),
	with(hashLike("cmake", "cmake"), func(l *Language) {
		l.Names = []string{"cmakelists.txt"}
		l.BlockComments = []Pair{{"#[[", "]]"}}
		l.Strings = []Quote{{Open: `"`, Close: `"`, Multiline: true}, {Open: "[[", Close: "]]", Raw: true, Multiline: true}}
		l.BlockEnds = []string{"endif", "endforeach", "endwhile", "endfunction", "endmacro", "else", "elseif", ")"}
		l.Exits = []string{"return(", "break(", "continue(", "message(FATAL_ERROR"}
	}),
	with(hashLike("terraform", "tf"), func(l *Language) {
		l.LineComments, l.BlockComments = []string{"#", "//"}, cBlock
		l.Strings = []Quote{dq}
		l.BlockEnds = []string{"}", ")", "]"}
		l.Operators = cOps
	}),
	with(hashLike("powershell", "ps1"), func(l *Language) {
		l.BlockComments = []Pair{{"<#", "#>"}}
		l.Strings = []Quote{{Open: `"`, Close: `"`, Multiline: true}, {Open: "'", Close: "'", Raw: true, Multiline: true}}
		l.BlockEnds = []string{"}", ")", "]"}
		l.Exits = []string{"return", "break", "continue", "throw", "exit"}
	}),
	with(hashLike("makefile", "mk"), func(l *Language) {
		l.Names = []string{"makefile", "gnumakefile"}
		l.Strings = nil
		l.BlockEnds = []string{"endif", "else", "endef"}
	}),
	with(hashLike("dockerfile"), func(l *Language) {
		l.Names = []string{"dockerfile"}
		l.HashNeedsSpace = true
	}),
	with(hashLike("yaml", "yaml", "yml"), func(l *Language) {
		l.HashNeedsSpace = true
		l.Strings = []Quote{dq, rawSQ}
	}),
	with(hashLike("toml", "toml"), func(l *Language) {
		l.Strings = []Quote{tdq, {Open: "'''", Close: "'''", Raw: true, Multiline: true}, dq, rawSQ}
	}),

	with(hashLike("lua", "lua"), func(l *Language) {
		l.LineComments, l.Operators = dashes, cOps
		l.BlockComments = []Pair{{"--[[", "]]"}}
		l.Strings = []Quote{dq, sq, {Open: "[[", Close: "]]", Raw: true, Multiline: true}}
		l.BlockEnds = []string{"end", "else", "elseif", "until", "}", ")", "]"}
		l.Exits = []string{"return", "break", "goto", "error("}
		l.keywords = words(`and break do else elseif end false for function goto if in local nil not or
		repeat return then true until while self require print pairs ipairs table string tostring
		tonumber type`)
	}),
	with(hashLike("sql", "sql"), func(l *Language) {
		l.LineComments, l.BlockComments, l.Operators = dashes, cBlock, cOps
		l.Strings = []Quote{{Open: "'", Close: "'", Raw: true, Multiline: true}, {Open: `"`, Close: `"`, Raw: true}}
		l.BlockEnds = []string{"end", "END", ")"}
		l.keywords = words(`select from where and or not insert into values update set delete create table
		drop alter index view join left right inner outer on as group by order having limit offset
		union all distinct null is in like between case when then else end primary key foreign
		references default exists begin commit rollback SELECT FROM WHERE AND OR NOT INSERT INTO
		VALUES UPDATE SET DELETE CREATE TABLE JOIN ON AS GROUP BY ORDER NULL IS IN`)
	}),
	with(hashLike("haskell", "hs"), func(l *Language) {
		l.LineComments, l.BlockComments, l.Operators = dashes, []Pair{{"{-", "-}"}}, cOps
		l.Strings = []Quote{dq}
		l.BlockEnds = []string{")", "]", "}", "where", "else", "in"}
		l.Exits = []string{"error ", "undefined"}
	}),
	with(hashLike("erlang", "erl"), func(l *Language) {
		l.LineComments, l.Operators = []string{"%"}, cOps
		l.BlockEnds = []string{"end", ")", "]", "}"}
	}),
	with(hashLike("clojure", "clj"), func(l *Language) {
		l.LineComments, l.Strings, l.Operators = []string{";"}, []Quote{{Open: `"`, Close: `"`, Multiline: true}}, cOps
	}),
	with(hashLike("asm", "s"), func(l *Language) {
		l.LineComments, l.Strings, l.Operators = []string{";", "#"}, []Quote{dq}, cOps
	}),
	with(hashLike("ocaml", "ml"), func(l *Language) {
		l.LineComments, l.BlockComments, l.Operators = nil, []Pair{{"(*", "*)"}}, cOps
		l.Strings = []Quote{{Open: `"`, Close: `"`, Multiline: true}}
	}),

	with(cLike("css", "css"), func(l *Language) {
		l.LineComments, l.BlockEnds, l.Exits = nil, []string{"}"}, nil
	}),
	with(cLike("scss", "scss"), func(l *Language) {
		l.Family, l.BlockEnds, l.Exits = "css", []string{"}"}, nil
	}),
	with(cLike("less", "less"), func(l *Language) {
		l.Family, l.BlockEnds, l.Exits = "css", []string{"}"}, nil
	}),
	with(cLike("json", "json"), func(l *Language) {
		// JSON has no comments; these are JSONC's.
		l.Strings, l.BlockEnds, l.Exits, l.Operators = []Quote{dq}, []string{"}", "]"}, nil, nil
	}),
	markup("html", "html", "htm"),
	markup("xml", "xml"),
	markup("vue", "vue"),
	markup("svelte", "svelte"),
	with(markup("markdown", "md"), func(l *Language) { l.Strings = nil }),
}

var byID, byExt, byName = index()

func index() (byID, byExt, byName map[string]*Language) {
	byID, byExt, byName = map[string]*Language{}, map[string]*Language{}, map[string]*Language{}
	fallback.opens = fallback.openers()
	for _, l := range table {
		if l.Family == "" {
			l.Family = l.ID
		}
		l.opens = l.openers()
		for i, q := range l.Strings {
			if q.Interp != "" {
				l.interp = &l.Strings[i]
			}
		}
		byID[l.ID] = l
		for _, e := range l.Extensions {
			byExt[e] = l
		}
		for _, n := range l.Names {
			byName[n] = l
		}
	}
	return byID, byExt, byName
}
