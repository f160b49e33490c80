package lsp

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// progress is the Reporter handed to the Factory. Reports only record the
// latest state and wake a worker, so they never block the reporter; the
// worker forwards them as $/progress once the client has sent initialized,
// creating the token with window/workDoneProgress/create (a request to the
// client, which may only be waited for outside the read loop).
type progress struct {
	conn      *jsonrpc2.Conn
	supported bool // the client announced window.workDoneProgress

	mu     sync.Mutex
	latest *Indexing

	ready    chan struct{} // closed at initialized
	kick     chan struct{}
	stop     chan struct{}
	once     sync.Once
	stopOnce sync.Once
}

// progressInterval spaces $/progress reports: editors need a few a second.
const progressInterval = 100 * time.Millisecond

func newProgress(conn *jsonrpc2.Conn, supported bool) *progress {
	p := &progress{conn: conn, supported: supported, ready: make(chan struct{}), kick: make(chan struct{}, 1), stop: make(chan struct{})}
	go p.run()
	return p
}

// Progress implements Reporter: title's work is done of total (total 0: unknown).
func (p *progress) Progress(title string, done, total int) {
	p.mu.Lock()
	p.latest = &Indexing{Title: title, Done: done, Total: total}
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Message implements Reporter: a message for the user.
func (p *progress) Message(text string) {
	if err := p.conn.Notify(context.Background(), protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: protocol.MessageTypeInfo, Message: "ghostline: " + text}); err != nil {
		slog.Debug("lsp: progress message", "err", err)
	}
}

func (p *progress) snapshot() *Indexing {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.latest == nil {
		return nil
	}
	c := *p.latest
	return &c
}

// start is called at initialized: from then on the server may send requests.
func (p *progress) start() { p.once.Do(func() { close(p.ready) }) }

func (p *progress) close() { p.stopOnce.Do(func() { close(p.stop) }) }

func (p *progress) run() {
	select {
	case <-p.ready:
	case <-p.stop:
		return
	}
	var token, title string
	seq := 0
	for {
		select {
		case <-p.kick:
		case <-p.stop:
			if token != "" {
				p.send(token, protocol.WorkDoneProgressEnd{Kind: "end"})
			}
			return
		}
		st := p.snapshot()
		if st == nil || !p.supported {
			continue
		}
		finished := st.Total > 0 && st.Done >= st.Total
		if token != "" && st.Title != title {
			p.send(token, protocol.WorkDoneProgressEnd{Kind: "end"})
			token = ""
		}
		switch {
		case token == "" && finished:
			// Over before it was worth showing.
		case token == "":
			seq++
			t := fmt.Sprintf("ghostline-%d", seq)
			if !p.create(t) {
				p.supported = false
				continue
			}
			token, title = t, st.Title
			msg, pct := describe(st)
			p.send(token, protocol.WorkDoneProgressBegin{Kind: "begin", Title: st.Title, Message: &msg, Percentage: pct})
		case finished:
			msg, _ := describe(st)
			p.send(token, protocol.WorkDoneProgressEnd{Kind: "end", Message: &msg})
			token = ""
		default:
			msg, pct := describe(st)
			p.send(token, protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: pct})
		}
		select {
		case <-time.After(progressInterval):
		case <-p.stop:
		}
	}
}

func describe(st *Indexing) (string, *protocol.UInteger) {
	if st.Total <= 0 {
		return fmt.Sprintf("%d", st.Done), nil
	}
	pct := protocol.UInteger(min(100, max(0, st.Done*100/st.Total)))
	return fmt.Sprintf("%d/%d", st.Done, st.Total), &pct
}

func (p *progress) create(token string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := p.conn.Call(ctx, protocol.ServerWindowWorkDoneProgressCreate, protocol.WorkDoneProgressCreateParams{Token: protocol.ProgressToken{Value: token}}, nil)
	if err != nil {
		slog.Warn("lsp: client refused a progress token; no progress reports", "err", err)
		return false
	}
	return true
}

func (p *progress) send(token string, value any) {
	if err := p.conn.Notify(context.Background(), protocol.MethodProgress, protocol.ProgressParams{Token: protocol.ProgressToken{Value: token}, Value: value}); err != nil {
		slog.Debug("lsp: progress", "err", err)
	}
}
