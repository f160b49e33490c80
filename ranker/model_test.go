package ranker

import (
	"errors"
	"testing"
)

func TestParseModelRejects(t *testing.T) {
	good, err := DefaultModel()
	if err != nil {
		t.Fatalf("shipped model: %v", err)
	}
	tests := []struct {
		name   string
		change func(m *Model)
	}{
		{"other version", func(m *Model) { m.Version = 99 }},
		{"other feature set", func(m *Model) { m.FeatureSet = 0 }},
		{"renamed feature", func(m *Model) { m.Gate1.Features = append([]string{"x"}, m.Gate1.Features[1:]...) }},
		{"both kinds", func(m *Model) { m.Gate2.Logistic = &Logistic{}; m.Gate2.GBT = &GBT{} }},
		{"bad tree", func(m *Model) {
			m.Gate2.Logistic = nil
			m.Gate2.GBT = &GBT{Trees: []Tree{{{Feature: 0, Left: 0, Right: 0}}}}
		}},
		{"threshold > 1", func(m *Model) { m.Thresholds = []Threshold{{Precision: 0.9, Gate2: 2}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := *good
			tt.change(&m)
			data, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParseModel(data); !errors.Is(err, ErrIncompatible) {
				t.Errorf("err = %v, want ErrIncompatible", err)
			}
		})
	}
	if _, err := ParseModel([]byte(`{"format": "ghostline-ranker", "ver`)); err == nil {
		t.Error("truncated JSON accepted")
	}
}
