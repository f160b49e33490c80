package eval

import (
	"strings"
	"testing"
)

const demoSrc = `package p

func f(x int) error {
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		log.Printf("parse %s: %v", text, err)
		return err
	}
	return fmt.Errorf("bad %d", x)
}
`

func TestFindCut(t *testing.T) {
	for _, tt := range []struct {
		kind        CutKind
		line        int
		typed, want string
	}{
		{CutAfterDot, 4, "\tv, err := strconv.", "ParseInt(text, 10, 64)"},
		{CutAfterParen, 4, "\tv, err := strconv.ParseInt(", "text, 10, 64)"},
		{CutAfterIdent, 4, "\tv", ", err := strconv.ParseInt(text, 10, 64)"},
		{CutLineStart, 6, "\t\t", "log.Printf(\"parse %s: %v\", text, err)"},
		{CutBlock, 6, "\t\t", "log.Printf(\"parse %s: %v\", text, err)\n\t\treturn err"},
	} {
		c, ok := FindCut(demoSrc, tt.kind, 1)
		if !ok || c.Line != tt.line || c.Typed != tt.typed || c.Want != tt.want {
			t.Errorf("%s: %v line %d typed %q want %q; want line %d %q %q", tt.kind, ok, c.Line, c.Typed, c.Want, tt.line, tt.typed, tt.want)
			continue
		}
		// The file as typed has the cursor where the typed line ends and
		// none of what followed; put back, it is the file again.
		if !strings.HasSuffix(c.Text[:c.Offset], tt.typed) || c.Text[:c.Offset]+c.Want+c.Text[c.Offset:] != demoSrc {
			t.Errorf("%s: text as typed %q", tt.kind, c.Text)
		}
	}
	if c, ok := FindCut(demoSrc, CutAfterParen, 10); ok {
		t.Errorf("a cut found past the last fitting line: %+v", c)
	}
	if _, ok := FindCut(demoSrc, CutBlock, 6); ok {
		t.Error("a cut found past the last fitting line")
	}
}

func TestVerdict(t *testing.T) {
	for _, tt := range []struct{ got, want, v string }{
		{"Atoi(s)", "Atoi(s)", "exact"},
		{"Atoi(", "Atoi(s)", "close"},
		{"Atoi(t)", "Atoi(s)", "close"},
		{"Fatal(err)", "Atoi(s)", "different"},
		{"", "Atoi(s)", "no suggestion"},
	} {
		if v := Verdict(tt.got, tt.want); v != tt.v {
			t.Errorf("Verdict(%q, %q) = %s, want %s", tt.got, tt.want, v, tt.v)
		}
	}
}
