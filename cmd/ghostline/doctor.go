package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/telemetry"
)

func init() {
	register(command{
		name:    "doctor",
		summary: "check the model server, the model, and where the index and telemetry live",
		run: func(ctx context.Context, args []string) error {
			return runDoctor(ctx, args, os.Stdout)
		},
	})
}

// errNotUsable: doctor found ghostline unable to complete (exit status 1).
var errNotUsable = errors.New("not usable with these settings: fix the failures above")

func runDoctor(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("doctor", "")
	settingsJSON := fs.String("settings", "", `settings as JSON, e.g. '{"model":{"name":"codellama:7b-code"}}'`)
	provider := fs.String("provider", "", "shorthand for model.provider (auto, ollama, openai, llamacpp, builtin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := cliSettings(*settingsJSON, *provider)
	if err != nil {
		return err
	}
	usable := true

	m := s.Model
	fmt.Fprintf(w, "model (provider %s)\n", m.Provider)
	if m.Provider == "builtin" {
		line(w, true, "model", "the built-in model (learns this repository; no server needed)", "")
	} else {
		d := model.Diagnose(ctx, m)
		for _, f := range d.Findings {
			line(w, f.OK, f.Check, f.Detail, f.Fix)
		}
		auto := m.Provider == "" || m.Provider == "auto"
		switch f := d.Failed(); {
		case f == nil:
		case f.Check == "fill-in-the-middle":
			line(w, true, "note", "until then completions only continue the text before the cursor", "")
		case auto && f.Check != "settings" && f.Check != "generate":
			if f.Check == "endpoint" {
				line(w, true, "fallback", "no model server: ghostline will use its built-in model", "")
			} else {
				line(w, true, "fallback", "ghostline will use its built-in model until this is fixed", "")
			}
		default:
			usable = false
		}
	}

	fmt.Fprintln(w, "\ndata")
	root, _ := os.Getwd()
	if r, err := engine.FindRoot(root); err == nil {
		root = r
	}
	index, err := retrieval.Dir(root, s.Retrieval)
	usable = checkDir(w, "index", index, index, err, "set retrieval.indexDir to a writable directory") && usable
	events, err := telemetry.DefaultPath(s.Telemetry)
	usable = checkDir(w, "telemetry", events, filepath.Dir(events), err, "set telemetry.path to a file in a writable directory") && usable

	if !usable {
		return errNotUsable
	}
	fmt.Fprintln(w, "\nghostline is ready.")
	return nil
}

// line prints one check, and for a failure what to do about it.
func line(w io.Writer, ok bool, check, detail, fix string) {
	mark := "ok  "
	if !ok {
		mark = "FAIL"
	}
	fmt.Fprintf(w, "  %s %-19s %s\n", mark, check, detail)
	if !ok && fix != "" {
		fmt.Fprintf(w, "       %-19s → %s\n", "", fix)
	}
}

// checkDir reports whether ghostline can write path (a directory, or a
// file in dir): dir, or the nearest existing directory above it that
// ghostline would create it in on first use, must be writable.
func checkDir(w io.Writer, check, path, dir string, err error, fix string) bool {
	note := ""
	for err == nil {
		fi, statErr := os.Stat(dir)
		if statErr == nil {
			if !fi.IsDir() {
				err = fmt.Errorf("%s is not a directory", dir)
			}
			break
		}
		if !errors.Is(statErr, os.ErrNotExist) || filepath.Dir(dir) == dir {
			err = statErr
			break
		}
		note = " (created on first use)"
		dir = filepath.Dir(dir)
	}
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".ghostline-doctor-*"); err == nil {
			f.Close()
			err = os.Remove(f.Name())
		}
	}
	if err != nil {
		line(w, false, check, fmt.Sprintf("%s: %v", path, err), fix)
		return false
	}
	line(w, true, check, path+note, "")
	return true
}
