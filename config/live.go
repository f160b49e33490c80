package config

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
)

// restartOnly are the settings read once, when the server starts: they
// open the repository index, the telemetry store and the uploader, or name
// the predictor's file. Every other setting applies on the next request
// (secrets.paths and secrets.patterns at once for the current file and the
// prompt; the index applies them when it reopens).
// retrieval.enabled and telemetry.enabled apply at once when turned off;
// turning on what was off at start needs a restart (pipeline.SetSettings
// tells).
var restartOnly = map[string]bool{
	"retrieval.windowLines": true, "retrieval.strideLines": true, "retrieval.indexDir": true,
	"ranker.modelPath": true, "telemetry.path": true, "telemetry.retentionDays": true,
	"telemetry.collector": true, "telemetry.collectorToken": true, "telemetry.tokenEnv": true,
}

// RestartOnly reports whether the setting with dotted name applies only
// after a restart.
func RestartOnly(name string) bool { return restartOnly[name] }

// Names returns the dotted names of every setting, sorted.
func Names() []string { return slices.Sorted(maps.Keys(leaves(Defaults()))) }

// Changed returns the dotted names of the settings that differ between a
// and b, sorted.
func Changed(a, b Settings) []string {
	la, lb := leaves(a), leaves(b)
	var out []string
	for k, v := range la {
		if !reflect.DeepEqual(v, lb[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// leaves flattens s into dotted names and JSON values.
func leaves(s Settings) map[string]any {
	b, _ := json.Marshal(s) // plain data: cannot fail
	var tree map[string]any
	_ = json.Unmarshal(b, &tree)
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, c := range m {
				walk(prefix+k+".", c)
			}
			return
		}
		out[prefix[:len(prefix)-1]] = v
	}
	walk("", tree)
	return out
}
