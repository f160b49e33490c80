package collector

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ghostline/ghostline/telemetry"
)

// Options configure a Server. Zero values get the defaults noted.
type Options struct {
	// AcceptText stores opted-in prompt/suggestion text; off (the default),
	// text fields are stripped on arrival and the config endpoint tells
	// uploaders not to send them.
	AcceptText bool
	// PublicRead lets anyone view the page and exports without a token.
	PublicRead bool
	// LoopbackRead lets clients on the loopback interface view without a
	// token (requests carrying X-Forwarded-For never count as loopback, so
	// a reverse proxy on the same host does not open the page to the world).
	LoopbackRead bool
	MaxBodyBytes int64   // per request; default 1 MiB
	MaxBatch     int     // events per request; default 1000
	RatePerToken float64 // sustained events/s per token; default 500
	Burst        int     // events a token may send at once; default 10×MaxBatch
	// RequestsPerToken bounds requests as well as events (many one-event
	// requests cost far more than one batch); default 20/s, bursts of 100.
	RequestsPerToken float64
	// BodyTimeout bounds the reading of a request body once its header is
	// in; default 10 s.
	BodyTimeout time.Duration
	Now         func() time.Time
}

func (o *Options) defaults() {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 1000
	}
	if o.RatePerToken <= 0 {
		o.RatePerToken = 500
	}
	if o.Burst < o.MaxBatch {
		o.Burst = 10 * o.MaxBatch
	}
	if o.RequestsPerToken <= 0 {
		o.RequestsPerToken = 20
	}
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Server is the collector's HTTP interface: ingestion, config, the page,
// CSV exports and static assets.
type Server struct {
	st  *Store
	opt Options
	mux *http.ServeMux

	mu       sync.Mutex
	limiters map[string]*limits // by token id
}

// limits are one token's rate limiters.
type limits struct{ events, requests *rate.Limiter }

// NewServer returns a collector serving st.
func NewServer(st *Store, opt Options) *Server {
	opt.defaults()
	s := &Server{st: st, opt: opt, mux: http.NewServeMux(), limiters: map[string]*limits{}}
	s.mux.HandleFunc("POST /api/v1/events", s.handleEvents)
	s.mux.HandleFunc("GET /api/v1/config", s.handleConfig)
	s.mux.HandleFunc("GET /{$}", s.viewer(s.handlePage))
	s.mux.HandleFunc("GET /export/{file}", s.viewer(s.handleExport))
	s.mux.Handle("GET /static/", noListing(http.FileServerFS(staticFS)))
	return s
}

// ServeHTTP adds the security headers every answer carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

// ErrorBody is the JSON of every 4xx/5xx answer of the API.
type ErrorBody struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, ErrorBody{Error: fmt.Sprintf(format, args...)})
}

func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// member authenticates an API request; it answers the request itself and
// returns false when the caller may not write.
func (s *Server) member(w http.ResponseWriter, r *http.Request) (Member, bool) {
	tok := bearer(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ghostline"`)
		fail(w, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token from `ghostline dashboard token add`>")
		return Member{}, false
	}
	m, err := s.st.Authenticate(r.Context(), tok)
	if errors.Is(err, ErrBadToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ghostline", error="invalid_token"`)
		fail(w, http.StatusUnauthorized, "invalid or revoked token")
		return Member{}, false
	}
	if err != nil {
		slog.Error("collector: authenticate", "err", err)
		fail(w, http.StatusServiceUnavailable, "cannot check the token now; retry later")
		return Member{}, false
	}
	if m.Role != RoleMember {
		fail(w, http.StatusForbidden, "token of %s %q cannot upload events", m.Role, m.Name)
		return Member{}, false
	}
	return m, true
}

func (s *Server) limiter(tokenID string) *limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limiters[tokenID]
	if l == nil {
		l = &limits{
			events:   rate.NewLimiter(rate.Limit(s.opt.RatePerToken), s.opt.Burst),
			requests: rate.NewLimiter(rate.Limit(s.opt.RequestsPerToken), int(max(5*s.opt.RequestsPerToken, 1))),
		}
		s.limiters[tokenID] = l
	}
	return l
}

// noListing answers 404 for directories: the file server would list them.
func noListing(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Batch is the body of POST /api/v1/events.
type Batch struct {
	Events []telemetry.Event `json:"events"`
}

// maxProblems bounds the problems listed in one answer.
const maxProblems = 100

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		fail(w, http.StatusUnsupportedMediaType, "Content-Type %q: want application/json", ct)
		return
	}
	m, ok := s.member(w, r)
	if !ok {
		return
	}
	lim := s.limiter(m.TokenID)
	if !lim.requests.Allow() {
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusTooManyRequests, "rate limit: at most %g requests/s per token; send events in batches", s.opt.RequestsPerToken)
		return
	}
	if r.ContentLength > s.opt.MaxBodyBytes {
		// Refused before reading: a client declaring a huge body must not
		// hold the connection while it trickles in.
		w.Header().Set("Connection", "close")
		fail(w, http.StatusRequestEntityTooLarge, "request body of %d bytes over %d: send smaller batches", r.ContentLength, s.opt.MaxBodyBytes)
		return
	}
	if err := http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.opt.BodyTimeout)); err != nil {
		slog.Debug("collector: no body deadline", "err", err)
	}
	var b Batch
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes))
	if err := dec.Decode(&b); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "request body over %d bytes: send smaller batches", s.opt.MaxBodyBytes)
			return
		}
		fail(w, http.StatusBadRequest, "invalid JSON: %v", err)
		return
	}
	if dec.More() {
		fail(w, http.StatusBadRequest, "invalid JSON: data after the batch object")
		return
	}
	switch n := len(b.Events); {
	case n == 0:
		fail(w, http.StatusBadRequest, `no events: want {"events":[...]}`)
		return
	case n > s.opt.MaxBatch:
		fail(w, http.StatusRequestEntityTooLarge, "%d events in one batch; at most %d", n, s.opt.MaxBatch)
		return
	}
	now := s.opt.Now()
	res := lim.events.ReserveN(now, len(b.Events))
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		fail(w, http.StatusTooManyRequests, "rate limit: at most %g events/s per token; retry in %s", s.opt.RatePerToken, d.Round(time.Millisecond))
		return
	}
	if probs := Validate(b.Events, now); len(probs) > 0 {
		body := ErrorBody{Error: fmt.Sprintf("invalid events (%d problems); nothing was stored", len(probs)), Problems: probs}
		if len(probs) > maxProblems {
			body.Problems = probs[:maxProblems]
		}
		writeJSON(w, http.StatusBadRequest, body)
		return
	}
	out, err := s.st.Ingest(r.Context(), m, b.Events, s.opt.AcceptText)
	if err != nil {
		slog.Error("collector: ingest", "member", m.Name, "events", len(b.Events), "err", err)
		fail(w, http.StatusServiceUnavailable, "storage failed; retry later")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// Config is what GET /api/v1/config tells uploaders.
type Config struct {
	AcceptText   bool    `json:"acceptText"`
	MaxBatch     int     `json:"maxBatch"`
	MaxBodyBytes int64   `json:"maxBodyBytes"`
	RatePerToken float64 `json:"ratePerToken"`
}

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.member(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, Config{AcceptText: s.opt.AcceptText, MaxBatch: s.opt.MaxBatch, MaxBodyBytes: s.opt.MaxBodyBytes, RatePerToken: s.opt.RatePerToken})
}

const viewCookie = "ghostline_token"

// viewer wraps a read-only handler with the view policy: public, loopback,
// or a valid token (any role) from Authorization, the cookie or ?token=.
// A token given in the URL is moved into a cookie and the URL cleaned.
func (s *Server) viewer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if urlTok := r.URL.Query().Get("token"); urlTok != "" {
			if _, err := s.st.Authenticate(r.Context(), urlTok); err != nil {
				s.denyView(w, "the token in the link is invalid or revoked")
				return
			}
			http.SetCookie(w, &http.Cookie{Name: viewCookie, Value: urlTok, Path: "/", HttpOnly: true,
				Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 30 * 24 * 3600})
			q := r.URL.Query()
			q.Del("token")
			u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
		if s.opt.PublicRead || (s.opt.LoopbackRead && isLoopback(r)) {
			h(w, r)
			return
		}
		tok := bearer(r)
		if c, err := r.Cookie(viewCookie); tok == "" && err == nil {
			tok = c.Value
		}
		if tok == "" {
			s.denyView(w, "viewing needs a token: open this page with ?token=<token> once (a cookie keeps it)")
			return
		}
		if _, err := s.st.Authenticate(r.Context(), tok); err != nil {
			s.denyView(w, "the token is invalid or revoked")
			return
		}
		h(w, r)
	}
}

func (s *Server) denyView(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintln(w, "ghostline dashboard:", msg)
}

func isLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
