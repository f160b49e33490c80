package lang

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// One row per language: how its files are named, how a comment naming a
// file is written, and what its lexer finds in a sample with comment
// openers inside strings and quotes inside comments.
var cases = []struct {
	id       string
	paths    []string // files in this language
	header   string   // Comment("f")
	src      string
	comments []string // the comment spans of src, in order
	strs     []string // the string spans of src, in order
	exit     string   // a line IsExit accepts ("" when the language lists none)
	end      string   // a line IsBlockEnd accepts
	keyword  string   // a word IsKeyword accepts ("" when none are listed)
}{
	{id: "go", paths: []string{"a.go", "x/Y.GO"}, header: "// f",
		src:      "s := `a /* b` + \"c\\\"//\" // tail \"q\n/* x\n y */ r := '\\''",
		comments: []string{"// tail \"q", "/* x\n y */"}, strs: []string{"`a /* b`", "\"c\\\"//\"", "'\\''"},
		exit: "\treturn nil", end: "\tcase 1:", keyword: "func"},
	{id: "go.mod", paths: []string{"go.mod"}, header: "// f", src: "require x v1 // indirect\n", end: ")",
		comments: []string{"// indirect"}},
	{id: "python", paths: []string{"a.py", "b.pyi"}, header: "# f",
		src:      "x = '#' # c 'q'\ns = \"\"\"doc\n# not\"\"\" + r'\\d'\n",
		comments: []string{"# c 'q'"}, strs: []string{"'#'", "\"\"\"doc\n# not\"\"\"", "'\\d'"},
		exit: "    raise ValueError", end: "elif x:", keyword: "def"},
	{id: "javascript", paths: []string{"a.js", "a.mjs", "a.cjs"}, header: "// f",
		src:      "const s = `a\n${b({c: '}'})} // no ${`i${j}`}` // yes\n",
		comments: []string{"// yes"}, strs: []string{"`a\n${", "'}'", "} // no ${", "`i${", "}`", "}`"},
		exit: "throw e", end: "} else {", keyword: "const"},
	{id: "javascriptreact", paths: []string{"a.jsx"}, header: "// f", src: "<a href=\"//x\"/> /* c */",
		comments: []string{"/* c */"}, strs: []string{`"//x"`}, exit: "return <a/>", end: "}", keyword: "export"},
	{id: "typescript", paths: []string{"a.ts", "a.mts", "a.cts"}, header: "// f", src: "let s: string = 'it\\'s' // c",
		comments: []string{"// c"}, strs: []string{`'it\'s'`}, exit: "return", end: "default:", keyword: "interface"},
	{id: "typescriptreact", paths: []string{"a.tsx"}, header: "// f", src: "const a = <b c='/*'/>; /** d */",
		comments: []string{"/** d */"}, strs: []string{"'/*'"}, exit: "break;", end: ")", keyword: "type"},
	{id: "java", paths: []string{"A.java"}, header: "// f", src: "String s = \"\"\"\n  // x\n  \"\"\"; char c = '\"'; // d",
		comments: []string{"// d"}, strs: []string{"\"\"\"\n  // x\n  \"\"\"", "'\"'"}, exit: "throw new E();", end: "catch (E e) {", keyword: "class"},
	{id: "kotlin", paths: []string{"a.kt", "b.kts"}, header: "// f", src: "val s = \"a/*\" /* c */",
		comments: []string{"/* c */"}, strs: []string{`"a/*"`}, exit: "return x", end: "}", keyword: "fun"},
	{id: "scala", paths: []string{"a.scala"}, header: "// f", src: "val s = \"x\" // c", comments: []string{"// c"}, strs: []string{`"x"`},
		exit: "return", end: "}"},
	{id: "rust", paths: []string{"a.rs"}, header: "// f",
		src:      "fn f<'a>(x: &'a str) -> char { let c = '{'; \"multi\nline\" } // c",
		comments: []string{"// c"}, strs: []string{"'{'", "\"multi\nline\""}, exit: "panic!(\"x\")", end: "}", keyword: "impl"},
	{id: "c", paths: []string{"a.c", "a.h"}, header: "// f", src: "#include \"a.h\" /* c */ char q = '\\'';",
		comments: []string{"/* c */"}, strs: []string{`"a.h"`, `'\''`}, exit: "goto out;", end: "}", keyword: "typedef"},
	{id: "cpp", paths: []string{"a.cc", "a.cpp", "a.cxx", "a.hpp", "a.hh", "a.hxx"}, header: "// f", src: "auto s = \"x\"; // c",
		comments: []string{"// c"}, strs: []string{`"x"`}, exit: "throw std::runtime_error(\"x\");", end: "default:", keyword: "template"},
	{id: "objective-c", paths: []string{"a.m"}, header: "// f", src: "@\"s\" // c", comments: []string{"// c"}, strs: []string{`"s"`},
		exit: "return", end: "}", keyword: "typedef"},
	{id: "objective-cpp", paths: []string{"a.mm"}, header: "// f", src: "/* c */", comments: []string{"/* c */"},
		exit: "return", end: "}", keyword: "class"},
	{id: "csharp", paths: []string{"a.cs"}, header: "// f", src: "var s = \"//\"; // c", comments: []string{"// c"}, strs: []string{`"//"`},
		exit: "goto done;", end: "finally", keyword: "namespace"},
	{id: "swift", paths: []string{"a.swift"}, header: "// f", src: "let s = \"it's\" // c", comments: []string{"// c"}, strs: []string{`"it's"`},
		exit: "return", end: "}", keyword: "guard"},
	{id: "dart", paths: []string{"a.dart"}, header: "// f", src: "var s = '''a\nb'''; // c", comments: []string{"// c"}, strs: []string{"'''a\nb'''"},
		exit: "return", end: "}"},
	{id: "php", paths: []string{"a.php"}, header: "// f", src: "$a = 'x'; # c\n// d", comments: []string{"# c", "// d"}, strs: []string{"'x'"},
		exit: "die(\"x\");", end: "endif;", keyword: "function"},
	{id: "zig", paths: []string{"a.zig"}, header: "// f", src: "const s = \"x\"; // c", comments: []string{"// c"}, strs: []string{`"x"`},
		exit: "return", end: "}"},
	{id: "proto", paths: []string{"a.proto"}, header: "// f", src: "import \"a.proto\"; // c", comments: []string{"// c"}, strs: []string{`"a.proto"`},
		exit: "return", end: "}"},
	{id: "ruby", paths: []string{"a.rb"}, header: "# f", src: "s = \"#{x}\" # c", comments: []string{"# c"}, strs: []string{`"#{x}"`},
		exit: "raise ArgumentError", end: "end", keyword: "def"},
	{id: "shellscript", paths: []string{"a.sh", "a.bash", "a.zsh"}, header: "# f",
		src:      "echo $# a#b 'it''s' \"x\\\"\" # c\n",
		comments: []string{"# c"}, strs: []string{"'it'", "'s'", "\"x\\\"\""}, exit: "exit 1", end: "fi", keyword: "then"},
	{id: "perl", paths: []string{"a.pl", "a.pm"}, header: "# f", src: "my $s = 'x'; # c", comments: []string{"# c"}, strs: []string{"'x'"},
		exit: "die \"x\"", end: "}"},
	{id: "r", paths: []string{"a.R"}, header: "# f", src: "s <- \"x\" # c", comments: []string{"# c"}, strs: []string{`"x"`}, end: ")"},
	{id: "julia", paths: []string{"a.jl"}, header: "# f", src: "x = a' #= c =# 'b'", comments: []string{"#= c =#"}, strs: []string{"'b'"},
		exit: "return", end: "end"},
	{id: "elixir", paths: []string{"a.ex", "a.exs"}, header: "# f", src: "s = \"\"\"\n#x\n\"\"\" # c",
		comments: []string{"# c"}, strs: []string{"\"\"\"\n#x\n\"\"\""}, exit: "raise \"x\"", end: "end", keyword: "defmodule"},
	{id: "nim", paths: []string{"a.nim"}, header: "# f", src: "let s = \"#\" #[ c\n ]# # d", comments: []string{"#[ c\n ]#", "# d"},
		strs: []string{`"#"`}, exit: "return", end: "else:"},
	{id: "cmake", paths: []string{"CMakeLists.txt", "x.cmake"}, header: "# f", src: "set(X \"a#b\") # c\n#[[ d ]]",
		comments: []string{"# c", "#[[ d ]]"}, strs: []string{`"a#b"`}, exit: "return()", end: "endif()"},
	{id: "terraform", paths: []string{"main.tf"}, header: "# f", src: "a = \"#\" # c\n// d\n/* e */",
		comments: []string{"# c", "// d", "/* e */"}, strs: []string{`"#"`}, end: "}"},
	{id: "powershell", paths: []string{"a.ps1"}, header: "# f", src: "$s = 'x' <# c #>", comments: []string{"<# c #>"}, strs: []string{"'x'"},
		exit: "throw \"x\"", end: "}"},
	{id: "makefile", paths: []string{"Makefile", "GNUmakefile", "rules.mk"}, header: "# f", src: "all: x # it's\n\techo 'a'",
		comments: []string{"# it's"}, end: "endif"},
	{id: "dockerfile", paths: []string{"Dockerfile", "x/dockerfile"}, header: "# f", src: "# c\nRUN echo \"#x\"", comments: []string{"# c"},
		strs: []string{`"#x"`}},
	{id: "yaml", paths: []string{"a.yaml", "a.yml"}, header: "# f", src: "a: b#c # d\ne: 'it''s'", comments: []string{"# d"},
		strs: []string{"'it'", "'s'"}},
	{id: "toml", paths: []string{"a.toml"}, header: "# f", src: "a = '''\n#x\n''' # c", comments: []string{"# c"}, strs: []string{"'''\n#x\n'''"}},
	{id: "lua", paths: []string{"init.lua"}, header: "-- f", src: "local s = [[--x]] --[[ c\n]] -- d\nprint('#')",
		comments: []string{"--[[ c\n]]", "-- d"}, strs: []string{"[[--x]]", "'#'"}, exit: "return x", end: "end", keyword: "local"},
	{id: "sql", paths: []string{"q.sql"}, header: "-- f", src: "SELECT 'a--b', \"c\" -- d\n/* e */",
		comments: []string{"-- d", "/* e */"}, strs: []string{"'a--b'", `"c"`}, end: "END", keyword: "select"},
	{id: "haskell", paths: []string{"A.hs"}, header: "-- f", src: "f x' = \"--\" {- c -} -- d", comments: []string{"{- c -}", "-- d"},
		strs: []string{`"--"`}, exit: "error \"x\"", end: "where"},
	{id: "erlang", paths: []string{"a.erl"}, header: "% f", src: "X = \"%\". % c", comments: []string{"% c"}, strs: []string{`"%"`}, end: "end."},
	{id: "clojure", paths: []string{"a.clj"}, header: "; f", src: "(def s \";\") ; c", comments: []string{"; c"}, strs: []string{`";"`}},
	{id: "asm", paths: []string{"a.s"}, header: "; f", src: "mov a, b ; c", comments: []string{"; c"}},
	{id: "ocaml", paths: []string{"a.ml"}, header: "(* f *)", src: "let s = \"(*\" (* c *)", comments: []string{"(* c *)"}, strs: []string{`"(*"`}},
	{id: "css", paths: []string{"a.css"}, header: "/* f */", src: "a { content: \"/*\"; } /* c */", comments: []string{"/* c */"},
		strs: []string{`"/*"`}, end: "}"},
	{id: "scss", paths: []string{"a.scss"}, header: "// f", src: "$a: 1; // c", comments: []string{"// c"}, end: "}"},
	{id: "less", paths: []string{"a.less"}, header: "// f", src: "@a: 1; // c", comments: []string{"// c"}, end: "}"},
	{id: "json", paths: []string{"a.json"}, header: "// f", src: "{\"a\": \"//\"}", strs: []string{`"a"`, `"//"`}, end: "}"},
	{id: "html", paths: []string{"a.html", "a.htm"}, header: "<!-- f -->", src: "<a href=\"x\">it's</a> <!-- c -->",
		comments: []string{"<!-- c -->"}, strs: []string{`"x"`}},
	{id: "xml", paths: []string{"a.xml"}, header: "<!-- f -->", src: "<a b=\"<!--\"/><!-- c -->", comments: []string{"<!-- c -->"}, strs: []string{`"<!--"`}},
	{id: "vue", paths: []string{"a.vue"}, header: "<!-- f -->", src: "<!-- c -->", comments: []string{"<!-- c -->"}},
	{id: "svelte", paths: []string{"a.svelte"}, header: "<!-- f -->", src: "<!-- c -->", comments: []string{"<!-- c -->"}},
	{id: "markdown", paths: []string{"README.md"}, header: "<!-- f -->", src: "Don't \"x\" <!-- c -->", comments: []string{"<!-- c -->"}},
}

func TestLanguages(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			seen[c.id] = true
			if !Known(c.id) {
				t.Fatalf("not in the table")
			}
			for _, p := range c.paths {
				if got := Of(p); got != c.id {
					t.Errorf("Of(%q) = %q", p, got)
				}
			}
			l := Get(c.id)
			if got := l.Comment("f"); got != c.header {
				t.Errorf("Comment = %q, want %q", got, c.header)
			}
			var comments, strs []string
			for _, s := range l.Spans(c.src) {
				switch s.Class {
				case Comment:
					comments = append(comments, c.src[s.Start:s.End])
				case String:
					strs = append(strs, c.src[s.Start:s.End])
				}
			}
			if !slices.Equal(comments, c.comments) {
				t.Errorf("comments = %q, want %q", comments, c.comments)
			}
			if !slices.Equal(strs, c.strs) {
				t.Errorf("strings = %q, want %q", strs, c.strs)
			}
			if c.exit != "" && !l.IsExit(c.exit) || c.exit == "" && len(l.Exits) > 0 {
				t.Errorf("IsExit(%q) false, or Exits %q untested", c.exit, l.Exits)
			}
			if c.end != "" && !l.IsBlockEnd(c.end) || c.end == "" && len(l.BlockEnds) > 0 {
				t.Errorf("IsBlockEnd(%q) false, or BlockEnds %q untested", c.end, l.BlockEnds)
			}
			if c.keyword != "" && !l.IsKeyword(c.keyword) || c.keyword == "" && len(l.keywords) > 0 {
				t.Errorf("IsKeyword(%q) false, or keywords untested", c.keyword)
			}
			for _, line := range []string{l.Comment("x"), "  " + l.Comment("x")} {
				if !l.IsCommentLine(line) {
					t.Errorf("IsCommentLine(%q) false", line)
				}
			}
			if l.IsKeyword("fooBar") || l.IsExit("returned := 1") || l.IsBlockEnd("endpoint()") {
				t.Errorf("a word that merely starts like a keyword matched")
			}
			for _, b := range []Pair{{"(", ")"}, {"[", "]"}, {"{", "}"}} {
				if !slices.Contains(l.Brackets, b) {
					t.Errorf("brackets %q lack %q", l.Brackets, b)
				}
			}
		})
	}
	for _, id := range IDs() {
		if !seen[id] {
			t.Errorf("language %q has no test row", id)
		}
	}
}

func TestUnknown(t *testing.T) {
	for _, p := range []string{"", "README", "a.unknownext", "dir.go/x"} {
		if got := Of(p); got != "" {
			t.Errorf("Of(%q) = %q, want \"\"", p, got)
		}
	}
	l := Get("brainfuck")
	if l.ID != "brainfuck" || l.Family != "brainfuck" || l.Comment("x") != "// x" || l.At("a /* b") != Comment {
		t.Errorf("unknown language: %+v", l)
	}
	if Get("go").ID != "go" {
		t.Errorf("Get(unknown) changed the table")
	}
}

func TestFamily(t *testing.T) {
	for id, fam := range map[string]string{"go": "go", "javascriptreact": "javascript", "typescriptreact": "typescript",
		"objective-c": "c", "scss": "css"} {
		if got := Get(id).Family; got != fam {
			t.Errorf("Family(%s) = %q, want %q", id, got, fam)
		}
	}
}

// Scan continues across pieces: lexing a text in two pieces gives the
// state that lexing it whole gives.
func TestScanContinues(t *testing.T) {
	for _, c := range []struct {
		id, a, b string
		want     Class
	}{
		{"go", "x := `raw\n", "still raw", String},
		{"go", "/* open", " still */ x", Code},
		{"python", "s = '''a", "\nb", String},
		{"python", "s = 'a", "\nb", Code}, // a line break ends a one-line string
		{"lua", "--[[ c", "\nd", Comment},
		{"c", "s = \"a\\", "\"b", String}, // the escape spans the two pieces
		// Cut inside an interpolation, after an object's `{`, in a nested
		// template: the pieces still tell the `}` that ends each one.
		{"typescript", "s = `a ${f({", "x: 1})} b`; t", Code},
		{"typescript", "s = `a ${f({x: `c${", "d}`})} /* b", String},
		{"javascript", "s = `a ${b", "} /* c", String},
		{"javascript", "s = `a ${`c\\", "`", String}, // the backtick is escaped
	} {
		l := Get(c.id)
		st := l.Scan(c.a, State{}, nil)
		var spans []Span
		st = l.Scan(c.b, st, func(s Span) { spans = append(spans, s) })
		if st.Class() != c.want || l.At(c.a+c.b) != c.want {
			t.Errorf("%s %q+%q: pieces %v, whole %v, want %v", c.id, c.a, c.b, st.Class(), l.At(c.a+c.b), c.want)
		}
		end := 0
		for _, s := range spans {
			if s.Start != end || s.End <= s.Start {
				t.Errorf("%s %q: spans %v leave a gap", c.id, c.b, spans)
			}
			end = s.End
		}
		if end != len(c.b) {
			t.Errorf("%s %q: spans %v end at %d", c.id, c.b, spans, end)
		}
	}
}

func TestIsCommentLine(t *testing.T) {
	for _, c := range []struct {
		id, line string
		want     bool
	}{
		{"python", `    """Doc."""`, true}, {"python", "x = 1 # c", false}, {"go", " * continued", true},
		{"go", "x := 1", false}, {"lua", "-- c", true}, {"lua", "// c", false}, {"ruby", `"""`, false},
	} {
		if got := Get(c.id).IsCommentLine(c.line); got != c.want {
			t.Errorf("%s IsCommentLine(%q) = %v", c.id, c.line, got)
		}
	}
}

// BenchmarkScan lexes a large Go file from the standard library, as a
// bracket counter over a whole prefix does.
func BenchmarkScan(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip(err)
	}
	l := Get("go")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		l.Scan(string(src), State{}, func(Span) {})
	}
}

func TestIndentWidth(t *testing.T) {
	for _, c := range []struct {
		line string
		want int
	}{{"", 0}, {"x", 0}, {"  x", 2}, {"\tx", 4}, {"\t  x", 6}, {"    ", 4}} {
		if got := IndentWidth(c.line); got != c.want {
			t.Errorf("IndentWidth(%q) = %d, want %d", c.line, got, c.want)
		}
	}
}
