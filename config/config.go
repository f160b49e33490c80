package config

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Settings is the whole configuration. JSON keys match the documented setting
// names: "model.endpoint" is Settings.Model.Endpoint.
type Settings struct {
	Completion Completion `json:"completion"`
	Model      Model      `json:"model"`
	Retrieval  Retrieval  `json:"retrieval"`
	Ranker     Ranker     `json:"ranker"`
	Telemetry  Telemetry  `json:"telemetry"`
	Secrets    Secrets    `json:"secrets"`
}

// Defaults returns settings that work with no configuration at all.
func Defaults() Settings {
	return Settings{
		Completion: defaultCompletion(),
		Model:      defaultModel(),
		Retrieval:  defaultRetrieval(),
		Ranker:     defaultRanker(),
		Telemetry:  defaultTelemetry(),
	}
}

// Merge overlays the JSON object raw onto s and returns the result; fields
// absent from raw keep their value. A null or empty raw changes nothing. Both
// nested objects ({"model":{"name":"x"}}) and dotted keys ({"model.name":"x"})
// are accepted, since editors send either.
func (s Settings) Merge(raw json.RawMessage) (Settings, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	var flat map[string]json.RawMessage
	if err := json.Unmarshal(raw, &flat); err != nil {
		return s, fmt.Errorf("settings must be a JSON object: %w", err)
	}
	// Some clients wrap everything in {"ghostline": {...}}.
	if inner, ok := flat["ghostline"]; ok && len(flat) == 1 {
		return s.Merge(inner)
	}
	nested, err := nest(flat)
	if err != nil {
		return s, err
	}
	out := s
	if err := json.Unmarshal(nested, &out); err != nil {
		return s, fmt.Errorf("invalid settings: %w", err)
	}
	return out, nil
}

// nest turns {"a.b": 1, "a": {"c": 2}} into {"a": {"b": 1, "c": 2}}. Keys
// are applied shallowest first, so where both forms set one setting the
// dotted key wins, whatever the order in the object.
func nest(flat map[string]json.RawMessage) ([]byte, error) {
	keys := slices.Collect(maps.Keys(flat))
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(strings.Count(a, "."), strings.Count(b, ".")); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	tree := map[string]any{}
	for _, k := range keys {
		v := flat[k]
		parts := strings.Split(k, ".")
		node := tree
		for _, p := range parts[:len(parts)-1] {
			child, ok := node[p].(map[string]any)
			if !ok {
				child = map[string]any{}
				if existing, isRaw := node[p].(json.RawMessage); isRaw {
					if err := json.Unmarshal(existing, &child); err != nil {
						return nil, fmt.Errorf("setting %q: %w", p, err)
					}
				}
				node[p] = child
			}
			node = child
		}
		last := parts[len(parts)-1]
		if obj, ok := node[last].(map[string]any); ok {
			var m map[string]any
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, fmt.Errorf("setting %q: %w", k, err)
			}
			for mk, mv := range m {
				obj[mk] = mv
			}
			continue
		}
		node[last] = v
	}
	return json.Marshal(tree)
}
