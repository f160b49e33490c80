package lsp

import (
	"encoding/json"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Wire types that glsp (LSP 3.16) lacks: LSP 3.17/3.18 additions and
// ghostline's own methods. Exported for clients (lsptest, editor tests).

// Methods beyond glsp's.
const (
	MethodInlineCompletion = "textDocument/inlineCompletion"
	MethodPartialAccept    = "ghostline/didPartialAccept"
	MethodReject           = "ghostline/didReject"
	MethodExplain          = "ghostline/explain"
	MethodStatus           = "ghostline/status"
	// CommandAccept is the command of every item: arguments [id].
	CommandAccept = "ghostline.accept"
)

// Error codes LSP adds to JSON-RPC's.
const (
	CodeServerNotInitialized = -32002
	CodeRequestFailed        = -32803
	CodeRequestCancelled     = -32800
)

// Trigger kinds of InlineCompletionContext.
const (
	TriggerInvoked   = 1 // explicitly requested: never debounced or hidden
	TriggerAutomatic = 2 // while typing: debounced
)

// InlineCompletionParams are textDocument/inlineCompletion's params.
type InlineCompletionParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Position     protocol.Position               `json:"position"`
	Context      InlineCompletionContext         `json:"context"`
}

// InlineCompletionContext says how the request was triggered.
type InlineCompletionContext struct {
	TriggerKind int `json:"triggerKind"`
}

// InlineCompletionList is textDocument/inlineCompletion's result.
type InlineCompletionList struct {
	Items []InlineCompletionItem `json:"items"`
}

// InlineCompletionItem is one suggestion. Range starts at the cursor; it is
// empty, or it ends further along the cursor's line when the text replaces
// what is there (closers the editor auto-inserted, text it retypes).
type InlineCompletionItem struct {
	InsertText string            `json:"insertText"`
	Range      *protocol.Range   `json:"range,omitempty"`
	Command    *protocol.Command `json:"command,omitempty"`
}

// PartialAcceptParams are ghostline/didPartialAccept's params: the first
// AcceptedLength units (of the negotiated position encoding) of the item's
// insertText, as last sent for ID, were accepted.
type PartialAcceptParams struct {
	ID             string `json:"id"`
	AcceptedLength int    `json:"acceptedLength"`
}

// RejectParams are ghostline/didReject's params.
type RejectParams struct {
	ID string `json:"id"`
}

// Explanation is ghostline/explain's result: the acceptance predictor's last
// decision.
type Explanation struct {
	ID          string             `json:"id"`
	Outcome     string             `json:"outcome"` // shown, hidden, skipped, ...
	Stage       string             `json:"stage"`   // gate1 or gate2
	Probability float64            `json:"probability"`
	Threshold   float64            `json:"threshold"`
	Features    map[string]float64 `json:"features"`
	Reason      string             `json:"reason,omitempty"`
	Time        time.Time          `json:"time"`
	// Lines is the explanation ready to show, one line each.
	Lines []string `json:"lines"`
}

// Status is ghostline/status's result, for status bars.
type Status struct {
	Ready         bool      `json:"ready"`   // initialized, the pipeline open
	Enabled       bool      `json:"enabled"` // completion.enabled
	Model         string    `json:"model"`
	LastLatencyMs float64   `json:"lastLatencyMs"` // of the last pipeline run
	Shown         int       `json:"shown"`         // suggestions shown this session
	Hidden        int       `json:"hidden"`        // hidden or skipped by the predictor
	Error         string    `json:"error,omitempty"`
	Indexing      *Indexing `json:"indexing,omitempty"`
	// Summary is a short status-bar text (the model, indexing progress,
	// the last latency, suggestions hidden); Lines the full status ready
	// to show, one fact a line.
	Summary string   `json:"summary"`
	Lines   []string `json:"lines"`
}

// Indexing is the engine's latest progress report.
type Indexing struct {
	Title string `json:"title"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// serverCapabilities adds LSP 3.17/3.18 fields to glsp's.
type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding         Encoding `json:"positionEncoding,omitempty"`
	InlineCompletionProvider bool     `json:"inlineCompletionProvider,omitempty"`
}

type initializeResult struct {
	Capabilities serverCapabilities                   `json:"capabilities"`
	ServerInfo   *protocol.InitializeResultServerInfo `json:"serverInfo,omitempty"`
}

// initializeParams is the part of InitializeParams the server reads;
// glsp's lacks general.positionEncodings (3.17).
type initializeParams struct {
	RootURI               *string                    `json:"rootUri"`
	RootPath              *string                    `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          struct {
		General struct {
			PositionEncodings []Encoding `json:"positionEncodings"`
		} `json:"general"`
		Window struct {
			WorkDoneProgress bool `json:"workDoneProgress"`
		} `json:"window"`
	} `json:"capabilities"`
}

// cancelParams replaces glsp's CancelParams, whose id never decodes
// (IntegerOrString.UnmarshalJSON has a value receiver).
type cancelParams struct {
	ID json.RawMessage `json:"id"`
}

type didChangeConfigurationParams struct {
	Settings json.RawMessage `json:"settings"`
}
