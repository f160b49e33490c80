package model

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/ghostline/ghostline/config"
)

// Finding is one check of Diagnose: what was checked, whether it passed,
// what was seen, and (on failure) exactly what to do.
type Finding struct {
	Check  string
	OK     bool
	Detail string
	Fix    string
}

// Diagnosis is the state of the configured model server.
type Diagnosis struct {
	Provider string
	Endpoint string
	Model    string
	Findings []Finding
	// Usable: the server completes code with these settings.
	Usable bool
}

// diagnoseTimeout bounds each check: loading a model on first use may take
// far longer than a completion is allowed to.
const diagnoseTimeout = 60 * time.Second

// Diagnose checks the model server c names: that it answers, has the model,
// can fill in the middle, and generates. It stops at the first failure, since
// later checks would only repeat it.
func Diagnose(ctx context.Context, c config.Model) Diagnosis {
	d := Diagnosis{Provider: c.Provider, Model: c.Name}
	c.TimeoutMs = max(c.TimeoutMs, int(diagnoseTimeout/time.Millisecond))
	b, err := Open(c)
	if err != nil {
		d.add("settings", false, err.Error(), "correct the model.* settings (README: Model settings)")
		return d
	}
	d.Endpoint = b.Endpoint()
	switch s := b.(type) {
	case *Ollama:
		if !d.ollama(ctx, s) {
			return d
		}
	case *OpenAI:
		if err := s.Check(ctx); err != nil {
			d.add("server", false, err.Error(), FixOf(err))
			return d
		}
		d.add("server", true, s.origin().what+" answers", "")
	}
	d.Usable = d.generate(ctx, b)
	return d
}

// Failed is the failed check, or nil.
func (d Diagnosis) Failed() *Finding {
	for i := range d.Findings {
		if !d.Findings[i].OK {
			return &d.Findings[i]
		}
	}
	return nil
}

func (d *Diagnosis) add(check string, ok bool, detail, fix string) {
	d.Findings = append(d.Findings, Finding{Check: check, OK: ok, Detail: detail, Fix: fix})
}

// ollama checks the endpoint, the model and its FIM support.
func (d *Diagnosis) ollama(ctx context.Context, o *Ollama) bool {
	rctx, cancel := withTimeout(ctx, o.timeout)
	version, err := o.client.Version(rctx)
	if err != nil {
		err = failure(ctx, rctx, o.origin(), o.timeout, err)
	}
	cancel()
	if err != nil {
		d.add("endpoint", false, err.Error(), FixOf(err))
		return false
	}
	d.add("endpoint", true, fmt.Sprintf("Ollama %s answers at %s", version, d.Endpoint), "")

	info, err := o.inspect(ctx)
	if err != nil {
		d.add("model", false, err.Error(), FixOf(err))
		return false
	}
	d.add("model", true, fmt.Sprintf("%s is on the server (family %s)", o.name, orUnknown(info.family)), "")

	switch {
	case o.hasFIM:
		d.add("fill-in-the-middle", true, fmt.Sprintf("raw prompts with the %s FIM tokens, %s order", o.fim.Family, o.fim.Order()), "")
	case info.insert:
		d.add("fill-in-the-middle", true, "the model's template takes a suffix (insert capability)", "")
	default:
		d.add("fill-in-the-middle", false,
			fmt.Sprintf("%s has no suffix template and no known FIM family: it could only continue the prefix", o.name),
			fmt.Sprintf("use a code model with FIM (ollama pull qwen2.5-coder:1.5b-base), or set model.template to one of %s", strings.Join(Families(), ", ")))
		return false
	}
	return true
}

// generate asks for a few tokens, which loads the model: the check that
// catches a model file the server imported but cannot run.
func (d *Diagnosis) generate(ctx context.Context, b Backend) bool {
	start := time.Now()
	res, err := b.Complete(ctx, Request{Prefix: "func main() {\n\t", Suffix: "\n}\n", Language: "go", MaxTokens: 8})
	if err != nil {
		d.add("generate", false, err.Error(), "see the model server's log; if the model file is damaged, remove and pull it again")
		return false
	}
	d.add("generate", true, fmt.Sprintf("%d tokens in %v (this includes loading the model if it was not loaded)",
		res.Tokens, time.Since(start).Round(time.Millisecond)), "")
	return true
}

func isLoopback(endpoint string) bool {
	host := endpoint
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if h, _, err := net.SplitHostPort(strings.SplitN(host, "/", 2)[0]); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// shellQuote makes a model name safe to paste into a shell command.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
