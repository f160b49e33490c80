package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// group is a subcommand with sub-subcommands (`eval retrieval`, `bench lsp`),
// each registered from its own file.
type group struct {
	name, summary string
	subs          map[string]command
}

var (
	evalGroup  = newGroup("eval", "evaluate retrieval, completion or the ranker (eval <what> -h)")
	benchGroup = newGroup("bench", "run a benchmark and print its figures (bench <what> -h)")
)

// newGroup makes a group and registers it as a top-level command.
func newGroup(name, summary string) *group {
	g := &group{name: name, summary: summary, subs: map[string]command{}}
	register(command{name: name, summary: summary, run: g.run})
	return g
}

func (g *group) add(c command) {
	if _, dup := g.subs[c.name]; dup {
		panic("duplicate " + g.name + " command " + c.name)
	}
	g.subs[c.name] = c
}

// run dispatches to a subcommand; -h, --help or help lists them (exit 0),
// nothing or an unknown name lists them as a usage error.
func (g *group) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		g.usage(os.Stderr)
		return fmt.Errorf("%w: ghostline %s needs a command", errUsage, g.name)
	}
	if isHelp(args[0]) {
		g.usage(os.Stderr)
		return flag.ErrHelp
	}
	c, ok := g.subs[args[0]]
	if !ok {
		g.usage(os.Stderr)
		return fmt.Errorf("%w: unknown %s command %q", errUsage, g.name, args[0])
	}
	return c.run(ctx, args[1:])
}

func (g *group) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: ghostline %s <command> [flags]\n\ncommands:\n", g.name)
	listCommands(w, g.subs)
	fmt.Fprintf(w, "\nRun 'ghostline %s <command> -h' for a command's flags.\n", g.name)
}

// listCommands writes one line per command, sorted by name.
func listCommands(w io.Writer, cs map[string]command) {
	names := make([]string, 0, len(cs))
	for n := range cs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cs[n].summary)
	}
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}
