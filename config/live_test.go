package config

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestChanged(t *testing.T) {
	a := Defaults()
	b := a
	b.Model.Stop = []string{"x"}
	b.Retrieval.ContextShare = 0.3
	if got := Changed(a, b); !slices.Equal(got, []string{"model.stop", "retrieval.contextShare"}) {
		t.Errorf("Changed = %v", got)
	}
	if got := Changed(a, a); len(got) != 0 {
		t.Errorf("Changed(a, a) = %v", got)
	}
}

// The README's settings table marks exactly the settings that apply only
// after a restart.
func TestREADMEMarksRestartOnly(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // setting name → its table row
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		group := ""
		for _, f := range strings.Split(cells[1], "`") {
			f = strings.TrimSpace(strings.Trim(f, " ,/"))
			if f == "" {
				continue
			}
			if i := strings.LastIndexByte(f, '.'); i >= 0 {
				group = f[:i+1]
				f = f[i+1:]
			}
			rows[group+f] = line
		}
	}
	for _, name := range Names() {
		row, ok := rows[name]
		if !ok {
			t.Errorf("%s: no row in the README's settings table", name)
			continue
		}
		if marked := strings.Contains(row, "*restart*"); marked != RestartOnly(name) {
			t.Errorf("%s: README marks restart %v, RestartOnly %v", name, marked, RestartOnly(name))
		}
	}
	for name := range restartOnly {
		if !slices.Contains(Names(), name) {
			t.Errorf("restart-only %q is not a setting", name)
		}
	}
}

// The VS Code extension declares each server setting it offers with a
// default for its settings page; those defaults must be the server's (the
// extension sends only what the user set, so the server's apply).
func TestVSCodeDefaults(t *testing.T) {
	b, err := os.ReadFile("../editors/vscode/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Contributes struct {
			Configuration struct {
				Properties map[string]struct {
					Default any `json:"default"`
				} `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	defaults := leaves(Defaults())
	n := 0
	for key, p := range pkg.Contributes.Configuration.Properties {
		name := strings.TrimPrefix(key, "ghostline.")
		if !strings.Contains(name, ".") {
			continue // an editor setting (ghostline.path)
		}
		want, ok := defaults[name]
		if !ok {
			t.Errorf("%s: not a server setting", key)
			continue
		}
		n++
		if !reflect.DeepEqual(p.Default, want) {
			t.Errorf("%s: package.json default %#v, the server's %#v", key, p.Default, want)
		}
	}
	if n == 0 {
		t.Error("no server settings in package.json")
	}
}
