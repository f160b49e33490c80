package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		check   func(Settings) bool
		wantErr string
	}{
		{"empty", ``, func(s Settings) bool { return s.Model.Name == Defaults().Model.Name }, ""},
		{"null", `null`, func(s Settings) bool { return s.Model.Provider == "auto" }, ""},
		{"nested", `{"model":{"name":"x"}}`, func(s Settings) bool { return s.Model.Name == "x" && s.Model.Provider == "auto" }, ""},
		{"dotted", `{"model.name":"x","ranker.precision":0.8}`, func(s Settings) bool { return s.Model.Name == "x" && s.Ranker.Precision == 0.8 }, ""},
		{"both forms, different settings", `{"model":{"name":"x"},"model.provider":"builtin"}`,
			func(s Settings) bool { return s.Model.Name == "x" && s.Model.Provider == "builtin" }, ""},
		{"both forms, one setting: dotted wins", `{"model.name":"dotted","model":{"name":"nested"}}`,
			func(s Settings) bool { return s.Model.Name == "dotted" }, ""},
		{"wrapped", `{"ghostline":{"completion":{"debounceMs":0}}}`, func(s Settings) bool { return s.Completion.DebounceMs == 0 }, ""},
		{"not an object", `[1]`, nil, "JSON object"},
		{"wrong type", `{"model":{"maxTokens":"many"}}`, nil, "invalid settings"},
		{"dotted into a scalar", `{"model.name":"x","model.name.y":1}`, nil, "setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Many runs: map order must not matter.
			for range 20 {
				s, err := Defaults().Merge(json.RawMessage(tt.raw))
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if !tt.check(s) {
					t.Fatalf("got %+v", s)
				}
			}
		})
	}
}
