package lsp

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// offLoopParams is the size from which a didOpen or didChange is decoded
// and applied off the read loop: decoding a document of tens of megabytes
// takes a third of a second, for which every other document and request
// would wait. Below it decoding takes at most a few milliseconds.
const offLoopParams = 1 << 20

// lanes runs the messages on documents that wait for a large one, per
// document, in arrival order and off the read loop: a large didOpen or
// didChange starts its document's lane, and whatever arrives for that
// document while the lane has work (edits, completion requests, feedback
// on its suggestions) joins it, while other documents and requests are
// handled at once. Safe for concurrent use.
type lanes struct {
	mu sync.Mutex
	q  map[string][]func() // by URI; present while its lane runs
}

// add queues f on uri's lane, starting the lane if it is idle.
func (l *lanes) add(uri string, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q, busy := l.q[uri]; busy {
		l.q[uri] = append(q, f)
		return
	}
	if l.q == nil {
		l.q = map[string][]func(){}
	}
	l.q[uri] = []func(){f}
	go l.run(uri)
}

func (l *lanes) run(uri string) {
	for {
		l.mu.Lock()
		q := l.q[uri]
		if len(q) == 0 {
			delete(l.q, uri)
			l.mu.Unlock()
			return
		}
		f := q[0]
		q[0] = nil // let the message go as soon as it is handled
		l.q[uri] = q[1:]
		l.mu.Unlock()
		f()
	}
}

// busy reports whether uri's lane has work.
func (l *lanes) busy(uri string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, busy := l.q[uri]
	return busy
}

// idle reports whether no lane has work.
func (l *lanes) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.q) == 0
}

// lane returns the document whose lane req must join, or "" to handle it
// at once.
func (s *Server) lane(req *jsonrpc2.Request) string {
	if req.Params == nil {
		return ""
	}
	if len(*req.Params) >= offLoopParams &&
		(req.Method == protocol.MethodTextDocumentDidOpen || req.Method == protocol.MethodTextDocumentDidChange) {
		return docURI(*req.Params)
	}
	if s.lanes.idle() {
		return "" // the common case: nothing waits, nothing to read
	}
	var uri string
	switch req.Method {
	case protocol.MethodTextDocumentDidOpen, protocol.MethodTextDocumentDidChange, protocol.MethodTextDocumentDidClose,
		protocol.MethodTextDocumentDidSave, MethodInlineCompletion:
		uri = docURI(*req.Params)
	case MethodPartialAccept, MethodReject:
		var p RejectParams
		if json.Unmarshal(*req.Params, &p) == nil {
			uri = s.items.uri(p.ID)
		}
	case protocol.MethodWorkspaceExecuteCommand:
		var p struct {
			Arguments []json.RawMessage `json:"arguments"`
		}
		var id string
		if json.Unmarshal(*req.Params, &p) == nil && len(p.Arguments) == 1 && json.Unmarshal(p.Arguments[0], &id) == nil {
			uri = s.items.uri(id)
		}
	}
	if uri == "" || !s.lanes.busy(uri) {
		return ""
	}
	return uri
}

// docURI reads params' textDocument.uri, or returns "". It stops at the
// uri: clients send it before the text, so a document of megabytes is not
// scanned.
func docURI(params []byte) string {
	dec := jsontext.NewDecoder(bytes.NewBuffer(params))
	for _, name := range []string{"textDocument", "uri"} {
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return ""
		}
		for {
			key, err := dec.ReadToken()
			if err != nil || key.Kind() != '"' {
				return ""
			}
			if key.String() == name {
				break
			}
			if dec.SkipValue() != nil {
				return ""
			}
		}
	}
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind() != '"' {
		return ""
	}
	return tok.String()
}
