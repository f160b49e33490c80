package telemetry

import "testing"

// Migrations returns a copy of the schema steps.
func Migrations() []string { return append([]string(nil), migrations...) }

// SetMigrations replaces the schema steps until the test ends.
func SetMigrations(t *testing.T, m []string) {
	old := migrations
	migrations = m
	t.Cleanup(func() { migrations = old })
}

// Docs is the number of documents a Survival remembers.
func (s *Survival) Docs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.docs)
}

// MaxIdleDocs is how many idle documents a Survival keeps.
const MaxIdleDocs = maxIdleDocs

// Similarity exposes the fuzzy match.
var Similarity = similarity
