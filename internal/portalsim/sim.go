// Package portalsim simulates the National Public Service Portal (DVCQG)
// for development and tests. It serves the session and service endpoints of
// the wire contract in package portal, stores what it receives, can be told
// to fail, and shows what it holds so tests can compare.
//
// Endpoints:
//
//	POST /session              portal.SessionRequest → portal.SessionAnswer
//	POST /service              portal.Request → portal.Answer
//	GET  /sim/state            the Snapshot, as JSON
//	GET  /sim/faults           the pending Faults, as JSON
//	POST /sim/faults           replace the pending Faults (JSON, as GET shows them)
//	POST /sim/expire-sessions  invalidate every session now
//	POST /sim/inbound          queue online dossiers (a JSON array of portal.Inbound)
//
// The /sim/* endpoints have no authentication and show everything the
// simulator holds, applicants' personal data included: they are for
// development on loopback only. Faults never apply to them.
//
// Answers. The simulated portal answers HTTP 200 with an error_code, wrong
// credentials on /session included (CodePermanent: logging in again will
// not help), except that a body that is not JSON gets 400 and one too large
// (MaxBody for /service, 64 KiB for /session) gets 413, both with
// CodeInvalid, and except for the faults below. The codes are portal's
// plus CodePermanent (also an unknown service), CodeInvalid (the message
// names the field) and CodeUnexpected (a fault).
//
// Services. A call is all or nothing: one invalid, duplicate or unknown
// record refuses the whole call. DongBoHoSoMC files each dossier under
// portal.Dossier.Key and replaces the whole record; a create of a held key
// answers portal.CodeExists, an update of a missing one
// portal.CodeNotFound. CapNhatTienDoHoSoMC needs the dossier held and
// replaces a step delivered again under the same STT. LayDanhSachHoSoMoi's
// Cursor is the decimal position in the inbound queue after the last
// dossier returned; it comes back unchanged when there is nothing new.
//
// Faults. Down answers every /session and /service call with 503 and an
// HTML page, as a proxy in front of a stopped portal would. Delay holds
// every /session and /service call once its body is read; a client that
// gives up ends the wait and the call is not carried out. Each /service call
// whose body is JSON then takes at most one pending counted fault, in this
// order: Fail500 (HTTP 500, an HTML page, nothing done), Unexpected
// (error_code CodeUnexpected, nothing done), Busy (portal.CodeBusy, nothing
// done), Malformed (the call is carried out but its answer is cut in half,
// so the client cannot tell what happened). Drop is taken by the next valid
// DongBoHoSoMC or CapNhatTienDoHoSoMC call with a live session: it answers
// OK and stores nothing, a lost update.
package portalsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"dunghan/internal/portal"
)

// Defaults of Options and of "dunghan portal-sim".
const (
	DefaultUsername   = "dunghan"
	DefaultPassword   = "dunghan-sim"
	DefaultSessionTTL = 30 * time.Minute
)

// MaxBody is the largest /service or /sim/inbound body accepted.
const MaxBody = 8 << 20

// maxSmallBody bounds the /session and /sim/faults bodies.
const maxSmallBody = 64 << 10

// Answer codes of the simulator beyond those named in package portal.
const (
	CodePermanent  = 1  // unknown service or wrong credentials: retrying will not help
	CodeInvalid    = 2  // the request or a record in it is invalid; the message names the field
	CodeUnexpected = 99 // answered by the Unexpected fault
)

// Options configure a Sim.
type Options struct {
	Username   string           // accepted user name; DefaultUsername when empty
	Password   string           // accepted password; DefaultPassword when empty
	SessionTTL time.Duration    // session lifetime; DefaultSessionTTL when zero
	Now        func() time.Time // clock of sessions and records; time.Now when nil
	Log        *slog.Logger     // one line per call (endpoint, status, service, error_code, records, fault), never the data; discarded when nil
}

// Sim is a simulated portal; it is an http.Handler and safe for concurrent use.
type Sim struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	sessions map[string]time.Time // token → expiry
	records  map[string]*record   // by portal.Dossier.Key
	inbound  []portal.Inbound
	faults   Faults
	stats    Stats
}

// New returns an empty simulator.
func New(opts Options) *Sim {
	if opts.Username == "" {
		opts.Username = DefaultUsername
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Sim{
		opts:     opts,
		sessions: map[string]time.Time{},
		records:  map[string]*record{},
		stats:    Stats{Calls: map[string]int{}},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /session", s.handleSession)
	mux.HandleFunc("POST /service", s.handleService)
	mux.HandleFunc("GET /sim/state", s.handleState)
	mux.HandleFunc("GET /sim/faults", s.handleGetFaults)
	mux.HandleFunc("POST /sim/faults", s.handleSetFaults)
	mux.HandleFunc("POST /sim/expire-sessions", s.handleExpire)
	mux.HandleFunc("POST /sim/inbound", s.handleInbound)
	s.mux = mux
	return s
}

// ServeHTTP serves the portal and the /sim/* endpoints.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// ExpireSessions invalidates every session and returns how many were live.
func (s *Sim) ExpireSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	n := 0
	for _, exp := range s.sessions {
		if now.Before(exp) {
			n++
		}
	}
	clear(s.sessions)
	return n
}

// outcome is how one portal call was answered.
type outcome struct {
	status    int // HTTP status
	answer    portal.Answer
	service   string // for the log: a known service name, "unknown" or ""
	records   int    // records in the call's data
	fault     string // the fault that shaped the answer, if any
	truncated bool   // Malformed: send half the answer
}

func (s *Sim) handleSession(w http.ResponseWriter, r *http.Request) {
	body, ok := s.receive(w, r, "/session", maxSmallBody)
	if !ok {
		return
	}
	var req portal.SessionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.finish(w, "/session", s.badBody(err))
		return
	}
	user := subtle.ConstantTimeCompare([]byte(req.Username), []byte(s.opts.Username))
	pass := subtle.ConstantTimeCompare([]byte(req.Password), []byte(s.opts.Password))
	if user&pass != 1 {
		s.reject()
		s.finish(w, "/session", outcome{status: http.StatusOK, answer: portal.Answer{ErrorCode: CodePermanent,
			Message: "Tên đăng nhập hoặc mật khẩu không đúng"}})
		return
	}
	token := rand.Text()
	s.mu.Lock()
	now := s.opts.Now()
	for t, exp := range s.sessions {
		if !now.Before(exp) {
			delete(s.sessions, t)
		}
	}
	s.sessions[token] = now.Add(s.opts.SessionTTL)
	s.stats.SessionsIssued++
	s.mu.Unlock()
	s.opts.Log.Info("portal-sim call", "endpoint", "/session", "status", http.StatusOK, "error_code", portal.CodeOK)
	writeJSON(w, http.StatusOK, portal.SessionAnswer{Session: token, ExpiresIn: int(s.opts.SessionTTL / time.Second)})
}

func (s *Sim) handleService(w http.ResponseWriter, r *http.Request) {
	body, ok := s.receive(w, r, "/service", MaxBody)
	if !ok {
		return
	}
	var req portal.Request
	if err := json.Unmarshal(body, &req); err != nil {
		s.finish(w, "/service", s.badBody(err))
		return
	}
	s.finish(w, "/service", s.call(req))
}

// call carries out one decoded service call.
func (s *Sim) call(req portal.Request) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := outcome{status: http.StatusOK, service: "unknown"}
	if known(req.Service) {
		o.service = req.Service
	}
	s.stats.Calls[o.service]++
	f := &s.faults
	switch {
	case f.Fail500 > 0:
		f.Fail500--
		o.status, o.fault = http.StatusInternalServerError, "fail500"
	case f.Unexpected > 0:
		f.Unexpected--
		o.fault, o.answer = "unexpected", portal.Answer{ErrorCode: CodeUnexpected, Message: "Lỗi không xác định"}
	case f.Busy > 0:
		f.Busy--
		o.fault, o.answer = "busy", portal.Answer{ErrorCode: portal.CodeBusy, Message: "Hệ thống đang bận, vui lòng thử lại sau"}
	default:
		if f.Malformed > 0 {
			f.Malformed--
			o.fault, o.truncated = "malformed", true
		}
		var dropped bool
		o.answer, o.records, dropped = s.dispatch(req)
		if dropped {
			o.fault = strings.TrimPrefix(o.fault+",drop", ",")
		}
	}
	if o.fault != "" {
		s.stats.Faulted++
	}
	if o.answer.ErrorCode != portal.CodeOK {
		s.stats.Rejected++
	}
	return o
}

// receive applies Down, reads the body (at most limit bytes) and applies
// Delay. It returns false when the call has been answered or abandoned. The
// body is read before the delay because only then does the server notice a
// client that gives up.
func (s *Sim) receive(w http.ResponseWriter, r *http.Request, endpoint string, limit int64) ([]byte, bool) {
	s.mu.Lock()
	down := s.faults.Down
	if down {
		s.stats.Faulted++
	}
	s.mu.Unlock()
	if down {
		s.opts.Log.Info("portal-sim call", "endpoint", endpoint, "status", http.StatusServiceUnavailable, "fault", "down")
		writeHTML(w, http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
		return nil, false
	}
	body, o, ok := s.readBody(w, r, limit)
	if delay := s.Faults().Delay; delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			s.opts.Log.Info("portal-sim call abandoned by the client", "endpoint", endpoint, "fault", "delay")
			return nil, false
		}
	}
	if !ok {
		s.finish(w, endpoint, o)
	}
	return body, ok
}

// readBody reads at most limit bytes; when it fails, the outcome says how to answer.
func (s *Sim) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, outcome, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err == nil {
		return body, outcome{}, true
	}
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		s.reject()
		return nil, outcome{status: http.StatusRequestEntityTooLarge, answer: portal.Answer{ErrorCode: CodeInvalid,
			Message: fmt.Sprintf("Nội dung yêu cầu quá lớn (tối đa %d KiB)", limit>>10)}}, false
	}
	return nil, s.badBody(err), false
}

// badBody is the answer to a body that is not the expected JSON.
func (s *Sim) badBody(err error) outcome {
	s.reject()
	return outcome{status: http.StatusBadRequest, answer: portal.Answer{ErrorCode: CodeInvalid,
		Message: "Nội dung yêu cầu không phải JSON hợp lệ: " + jsonProblem(err)}}
}

// reject counts an answer with a non-zero error_code given outside call.
func (s *Sim) reject() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Rejected++
}

// finish logs and writes the answer of a /session or /service call.
func (s *Sim) finish(w http.ResponseWriter, endpoint string, o outcome) {
	attrs := []any{"endpoint", endpoint, "status", o.status}
	if o.service != "" {
		attrs = append(attrs, "service", o.service, "records", o.records)
	}
	if o.status != http.StatusInternalServerError {
		attrs = append(attrs, "error_code", o.answer.ErrorCode)
	}
	if o.fault != "" {
		attrs = append(attrs, "fault", o.fault)
	}
	s.opts.Log.Info("portal-sim call", attrs...)
	if o.status == http.StatusInternalServerError {
		writeHTML(w, o.status, "500 Internal Server Error")
		return
	}
	body, err := json.Marshal(o.answer)
	if err != nil {
		panic(err) // an Answer always encodes: Result holds JSON this package produced
	}
	if o.truncated {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(o.status)
	w.Write(body)
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err) // only this package's types are written, and they encode
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeHTML answers an error page such as a proxy or an application server shows.
func writeHTML(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, "<html>\r\n<head><title>"+title+"</title></head>\r\n<body>\r\n<center><h1>"+title+
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}
