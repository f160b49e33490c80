package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
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

func (g *group) run(ctx context.Context, args []string) error {
	names := make([]string, 0, len(g.subs))
	for n := range g.subs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return fmt.Errorf("%w: ghostline %s <%s>", errUsage, g.name, strings.Join(names, "|"))
	}
	c, ok := g.subs[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown %s %q (want one of %s)", errUsage, g.name, args[0], strings.Join(names, ", "))
	}
	return c.run(ctx, args[1:])
}
