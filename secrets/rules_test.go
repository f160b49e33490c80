package secrets

import (
	"strings"
	"testing"

	"github.com/ghostline/ghostline/config"
)

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{".env", true}, {"app/.env.production", true}, {"prod.env", true},
		{"server.pem", true}, {"tls/server.key", true}, {"ca.crt", true}, {"id_rsa", true},
		{"home/.ssh/config", true}, {"id_ed25519.pub", true}, {"store.p12", true}, {"x.pfx", true},
		{"credentials", true}, {"credentials.json", true}, {"config/secrets.yaml", true},
		{".npmrc", true}, {".pypirc", true}, {"db.kdbx", true}, {".netrc", true},
		{"/home/u/repo/.env", true}, {`C:\repo\.env`, true},
		{"main.go", false}, {"environment.go", false}, {"keys.go", false}, {"secretary.py", false},
		{"monkey.py", false}, {"README.md", false}, {"config/database.yml", false},
	} {
		if got := Default().Path(tc.path); got != tc.want {
			t.Errorf("Path(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
	r, err := New(config.Secrets{Paths: []string{"*.secret.json", "deploy/*.yml"}})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"a.secret.json": true, "x/a.secret.json": true, "deploy/prod.yml": true, "/abs/repo/deploy/prod.yml": true, "deploy.yml": false, "main.go": false} {
		if got := r.Path(p); got != want {
			t.Errorf("user rules: Path(%q) = %v, want %v", p, got, want)
		}
	}
	if _, err := New(config.Secrets{Paths: []string{"["}, Patterns: []string{"(", "ok"}}); err == nil {
		t.Error("bad glob and pattern: want an error")
	}
}

// redactCases are texts and what Redact makes of them.
var redactCases = []struct {
	in, want string
}{
	// Known formats.
	{"aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = [redacted]"},
	{`key := "ghp_0123456789abcdefghijABCDEFGHIJ012345"`, `key := "[redacted]"`},
	{"STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE=[redacted]"},
	{"const k = 'AIzaSyA1234567890abcdefghijklmnopqrstuv'", "const k = '[redacted]'"},
	{"slack: xoxb-123456789012-abcdefghijkl", "slack: [redacted]"},
	{"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nxyz\n-----END RSA PRIVATE KEY-----\nafter", "-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----\nafter"},
	{"url: postgres://app:Sup3rS3cret@db:5432/app", "url: postgres://app:[redacted]@db:5432/app"},
	// Assignments.
	{"  password: s3cr3tP4ss", "  password: [redacted]"},
	{`DB_PASSWORD="hunter2"`, `DB_PASSWORD="[redacted]"`},
	{`{"client_secret": "abcdefgh"}`, `{"client_secret": "[redacted]"}`},
	{"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY=[redacted]"},
	{"api_key => 'k3y-4-real'", "api_key => '[redacted]'"},
	// Not secrets.
	{"password := os.Getenv(\"DB_PASSWORD\")", "password := os.Getenv(\"DB_PASSWORD\")"},
	{"token = lexer.Next()", "token = lexer.Next()"},
	{"password: ${DB_PASSWORD}", "password: ${DB_PASSWORD}"},
	{`secret = ""`, `secret = ""`},
	{"if tok == token.EOF {", "if tok == token.EOF {"},
	{"password: xxxxxxxx", "password: xxxxxxxx"},
	{"func (t *Token) String() string", "func (t *Token) String() string"},
	{"func TestReverseProxyInvalidUpstream100ContinueDoNotHang(t *testing.T) {", "func TestReverseProxyInvalidUpstream100ContinueDoNotHang(t *testing.T) {"},
	{"k := \"MIIBCgKCAQEAxcl69ROJdxjN+MJZnbFrYxyQooADCsJ6VDkuMyNQIix\"", "k := \"[redacted]\""},
	{"sum := sha256.Sum256(data) // 0123456789abcdef0123456789abcdef01234567", "sum := sha256.Sum256(data) // 0123456789abcdef0123456789abcdef01234567"},
}

func TestRedact(t *testing.T) {
	for _, tc := range redactCases {
		got, _ := Default().Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	r, _ := New(config.Secrets{Patterns: []string{`ACME-[0-9]{6}`}})
	if got, n := r.Redact("id = ACME-123456 // x"); got != "id = [redacted] // x" || n != 1 {
		t.Errorf("user pattern: %q %d", got, n)
	}
}

func TestRefuse(t *testing.T) {
	doc := "package x\n\nconst key = \"AKIAIOSFODNN7EXAMPLE\"\n\nfunc f() {\n\t\n}\n"
	for _, tc := range []struct {
		path string
		text string
		off  int
		want string // substring of the reason; "" to complete
	}{
		{"/r/.env", "A=1\n", 2, "match its name"},
		{"/r/config/secrets.yaml", "a: 1\n", 0, "match its name"},
		{"/r/key.txt", "x\n-----BEGIN PRIVATE KEY-----\nabc\n", 0, "private key"},
		{"/r/main.go", doc, strings.Index(doc, "EXAMPLE"), "line that holds a secret"},
		{"/r/main.go", doc, strings.Index(doc, "\t\n"), ""},
	} {
		got := Default().Refuse(tc.path, tc.text, tc.off)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("Refuse(%s, @%d) = %q, want %q", tc.path, tc.off, got, tc.want)
		}
	}
}
