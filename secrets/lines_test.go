package secrets

import (
	"strings"
	"testing"

	"github.com/ghostline/ghostline/config"
)

// TestRedactLines: line by line, remembered, redacts exactly what Redact
// does, on first sight and again after an edit, on secrets and on code
// nobody tuned the rules on.
func TestRedactLines(t *testing.T) {
	var secrets []string
	for _, tc := range redactCases {
		secrets = append(secrets, tc.in)
	}
	texts := []string{strings.Join(secrets, "\n"), strings.Join(secrets, "\n\n") + "\n"}
	for i, f := range corpus(t, 256<<10) {
		// Some files hold a secret on one of their lines.
		if lines := strings.Split(f, "\n"); i%2 == 0 && len(lines) > 10 {
			lines[len(lines)/2] += " // " + secrets[i%len(secrets)]
			f = strings.Join(lines, "\n")
		}
		texts = append(texts, f)
	}
	user, _ := New(config.Secrets{Patterns: []string{`ACME-[0-9]{6}`}})
	for _, r := range []*Rules{Default(), user, {}} {
		for _, text := range texts {
			edited := strings.Replace(text, "\n", "\n\tpassword := \"hunter22\"\n", 1)
			for _, s := range []string{text, text, edited, text + "\nid = ACME-123456"} {
				want, wn := r.Redact(s)
				if got, n := r.RedactLines(s); got != want || n != wn {
					t.Fatalf("RedactLines differs from Redact (%d vs %d values) on\n%.300s", n, wn, s)
				}
			}
		}
	}
}
