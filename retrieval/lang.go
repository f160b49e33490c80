package retrieval

import (
	"path"
	"strings"
)

// languages maps lower-case file extensions to LSP language ids.
var languages = map[string]string{
	"go":     "go",
	"py":     "python",
	"pyi":    "python",
	"js":     "javascript",
	"mjs":    "javascript",
	"cjs":    "javascript",
	"jsx":    "javascriptreact",
	"ts":     "typescript",
	"mts":    "typescript",
	"cts":    "typescript",
	"tsx":    "typescriptreact",
	"java":   "java",
	"kt":     "kotlin",
	"kts":    "kotlin",
	"scala":  "scala",
	"rs":     "rust",
	"c":      "c",
	"h":      "c",
	"cc":     "cpp",
	"cpp":    "cpp",
	"cxx":    "cpp",
	"hpp":    "cpp",
	"hh":     "cpp",
	"hxx":    "cpp",
	"cs":     "csharp",
	"swift":  "swift",
	"m":      "objective-c",
	"mm":     "objective-cpp",
	"rb":     "ruby",
	"php":    "php",
	"lua":    "lua",
	"pl":     "perl",
	"pm":     "perl",
	"r":      "r",
	"dart":   "dart",
	"ex":     "elixir",
	"exs":    "elixir",
	"erl":    "erlang",
	"hs":     "haskell",
	"ml":     "ocaml",
	"clj":    "clojure",
	"sh":     "shellscript",
	"bash":   "shellscript",
	"zsh":    "shellscript",
	"ps1":    "powershell",
	"sql":    "sql",
	"html":   "html",
	"htm":    "html",
	"css":    "css",
	"scss":   "scss",
	"less":   "less",
	"vue":    "vue",
	"svelte": "svelte",
	"json":   "json",
	"yaml":   "yaml",
	"yml":    "yaml",
	"toml":   "toml",
	"xml":    "xml",
	"md":     "markdown",
	"proto":  "proto",
	"s":      "asm",
	"tf":     "terraform",
	"zig":    "zig",
	"nim":    "nim",
	"jl":     "julia",
}

// languageNames maps whole file names (lower case) that carry no telling
// extension.
var languageNames = map[string]string{
	"makefile":       "makefile",
	"gnumakefile":    "makefile",
	"dockerfile":     "dockerfile",
	"go.mod":         "go.mod",
	"cmakelists.txt": "cmake",
}

// LanguageOf returns the LSP language id of the file at path from its name
// ("go", "python", "typescriptreact", ...), or "" when the name says nothing
// known. Only files with a language are indexed.
func LanguageOf(p string) string {
	base := strings.ToLower(path.Base(strings.ReplaceAll(p, "\\", "/")))
	if l, ok := languageNames[base]; ok {
		return l
	}
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return ""
	}
	return languages[base[i+1:]]
}

// commentPrefix returns the line-comment syntax of an LSP language id, for
// the path header written above each snippet.
func commentPrefix(lang string) (open, close string) {
	switch lang {
	case "python", "ruby", "shellscript", "perl", "r", "elixir", "yaml", "toml",
		"makefile", "dockerfile", "cmake", "powershell", "julia", "nim", "terraform":
		return "# ", ""
	case "sql", "lua", "haskell":
		return "-- ", ""
	case "erlang":
		return "% ", ""
	case "clojure", "asm":
		return "; ", ""
	case "html", "xml", "markdown", "vue", "svelte":
		return "<!-- ", " -->"
	case "css", "scss", "less", "ocaml":
		if lang == "ocaml" {
			return "(* ", " *)"
		}
		return "/* ", " */"
	case "json":
		return "// ", "" // JSON has no comments; JSONC's syntax is the closest
	}
	return "// ", ""
}
