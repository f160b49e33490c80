// Command ghostline is an inline code-completion backend for editors.
// Each subcommand is a thin call into a package; each lives in its own file
// and registers itself in init.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ghostline/ghostline/config"
)

// command is one subcommand. Run gets the arguments after the subcommand name.
type command struct {
	name    string
	summary string // one line for `ghostline help`
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error caused by bad arguments (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) > 1 && args[0] == "help" {
		// ghostline help eval retrieval = ghostline eval retrieval -h
		return run(ctx, append(args[1:len(args):len(args)], "-h"), stderr)
	}
	if len(args) == 0 || isHelp(args[0]) {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ghostline: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := c.run(ctx, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "ghostline %s: %v\n", c.name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ghostline <command> [arguments]\n\ncommands:")
	listCommands(w, commands)
	fmt.Fprintln(w, "\nRun 'ghostline <command> -h' (or 'ghostline help <command>') for a command's flags or subcommands.")
}

// newFlags returns a FlagSet for a subcommand that reports errors instead of exiting.
func newFlags(name, argsHelp string) *flag.FlagSet {
	fs := flag.NewFlagSet("ghostline "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ghostline %s [flags] %s\n", name, argsHelp)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, wrapping failures as usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// setupLogging sends slog output to stderr, or to a file when path is set.
// Never stdout: stdout is the LSP channel.
func setupLogging(path, level string) (func(), error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("%w: log level %q: %v", errUsage, level, err)
	}
	w := io.Writer(os.Stderr)
	closeFn := func() {}
	if path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open log file: %w", err)
		}
		w = f
		closeFn = func() { f.Close() }
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv})))
	return closeFn, nil
}

// settingsFlags are the flags of commands that build settings and log to
// stderr: --settings (JSON over the defaults) and --log-level.
type settingsFlags struct{ json, logLevel *string }

func addSettingsFlags(fs *flag.FlagSet, example string) settingsFlags {
	return settingsFlags{
		json:     fs.String("settings", "", "settings as JSON, e.g. '"+example+"'"),
		logLevel: fs.String("log-level", "warn", "log level (debug, info, warn, error)"),
	}
}

// apply starts logging and returns the settings (provider, when set,
// overrides model.provider) and the function that closes the log.
func (f settingsFlags) apply(provider string) (config.Settings, func(), error) {
	closeLog, err := setupLogging("", *f.logLevel)
	if err != nil {
		return config.Settings{}, nil, err
	}
	s, err := cliSettings(*f.json, provider)
	if err != nil {
		closeLog()
		return s, nil, err
	}
	return s, closeLog, nil
}

// cliSettings builds settings from defaults, a JSON overlay and flag shorthands.
func cliSettings(settingsJSON, provider string) (config.Settings, error) {
	s, err := config.Defaults().Merge(json.RawMessage(settingsJSON))
	if err != nil {
		return s, fmt.Errorf("%w: --settings: %v", errUsage, err)
	}
	if provider != "" {
		s.Model.Provider = provider
	}
	return s, nil
}

// goStdlib is the Go standard library's source, the default tree of the
// benchmarks; flag names the flag that would have given another.
func goStdlib(ctx context.Context, flag string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("%w: no %s and no go toolchain to find the standard library: %v", errUsage, flag, err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "src"), nil
}
