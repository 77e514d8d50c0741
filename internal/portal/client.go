package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config is how to reach the portal.
type Config struct {
	ServiceURL string        // the service endpoint (POST Request)
	SessionURL string        // the session endpoint (POST SessionRequest)
	Username   string        // the agency's integration account
	Password   string        // never logged
	Timeout    time.Duration // per call; default 20 s
	HTTP       *http.Client  // default a client without its own timeout
	Now        func() time.Time
}

// Client calls the portal. It logs in on first use and again when the
// session is about to expire or the portal says it has; it is safe for
// concurrent use.
type Client struct {
	cfg Config

	mu      sync.Mutex
	session string
	expires time.Time
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}
}

// Error is a failed call. Transient failures are worth retrying later;
// the others need a person (a dead letter with Message as the reason).
type Error struct {
	Service   string
	Code      int // the portal's error_code; 0 for a transport or HTTP failure
	Status    int // the HTTP status; 0 when no answer came
	Message   string
	Transient bool
}

func (e *Error) Error() string {
	parts := []string{}
	if e.Service != "" {
		parts = append(parts, e.Service)
	}
	if e.Status != 0 && e.Status != http.StatusOK {
		parts = append(parts, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Code != 0 {
		parts = append(parts, fmt.Sprintf("mã lỗi %d", e.Code))
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	return strings.Join(parts, ": ")
}

// IsTransient reports whether err is worth retrying: a transient *Error, or
// any failure that is not the portal's considered answer.
func IsTransient(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Transient
	}
	return err != nil
}

func codeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// maxAnswer bounds an answer's body.
const maxAnswer = 8 << 20

// PushDossier creates d on the portal, or updates it when created says the
// portal has it. "Already exists" turns a create into an update and "not
// found" an update into a create, so a repeated or lost push converges.
func (c *Client) PushDossier(ctx context.Context, d Dossier, created bool) error {
	err := c.pushDossier(ctx, d, created)
	switch code := codeOf(err); {
	case !created && (code == CodeExists || code == CodeExistsAlt):
		return c.pushDossier(ctx, d, true)
	case created && code == CodeNotFound:
		return c.pushDossier(ctx, d, false)
	}
	return err
}

func (c *Client) pushDossier(ctx context.Context, d Dossier, updating bool) error {
	return c.call(ctx, ServicePushDossier, updating, []Dossier{d}, nil)
}

// PushSteps adds steps (of one dossier, in order) to the portal's copy.
func (c *Client) PushSteps(ctx context.Context, steps []Step) error {
	if len(steps) == 0 {
		return nil
	}
	return c.call(ctx, ServicePushSteps, false, steps, nil)
}

// Lookup returns what the portal holds of the dossier filed under key;
// false when it holds nothing.
func (c *Client) Lookup(ctx context.Context, key string) (LookupResult, bool, error) {
	var out LookupResult
	err := c.call(ctx, ServiceLookup, false, LookupQuery{MaHoSo: key}, &out)
	if codeOf(err) == CodeNotFound {
		return LookupResult{}, false, nil
	}
	return out, err == nil, err
}

// Inbound returns the online dossiers addressed to the agency after cursor.
func (c *Client) Inbound(ctx context.Context, agencyCode, cursor string, limit int) (InboundPage, error) {
	var out InboundPage
	err := c.call(ctx, ServiceInbound, false, InboundQuery{MaDonVi: agencyCode, Cursor: cursor, Limit: limit}, &out)
	return out, err
}

// call runs one service call, logging in again once if the session expired.
func (c *Client) call(ctx context.Context, service string, updating bool, data, out any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return &Error{Service: service, Message: "không mã hoá được dữ liệu: " + err.Error()}
	}
	for attempt := 0; ; attempt++ {
		session, err := c.currentSession(ctx)
		if err != nil {
			return err
		}
		var ans Answer
		err = c.post(ctx, service, c.cfg.ServiceURL, Request{Session: session, Service: service, IsUpdating: updating, Data: raw}, &ans)
		var e *Error
		expired := errors.As(err, &e) && e.Status == http.StatusUnauthorized
		if err == nil && ans.ErrorCode == CodeSessionExpired {
			expired = true
		}
		if expired {
			c.forget(session)
			if attempt == 0 {
				continue
			}
			return &Error{Service: service, Code: CodeSessionExpired, Message: "phiên làm việc bị từ chối ngay sau khi đăng nhập lại", Transient: true}
		}
		if err != nil {
			return err
		}
		return answer(service, ans, out)
	}
}

// answer interprets a decoded answer.
func answer(service string, ans Answer, out any) error {
	switch ans.ErrorCode {
	case CodeOK:
		if out == nil {
			return nil
		}
		if len(ans.Result) == 0 || json.Unmarshal(ans.Result, out) != nil {
			return &Error{Service: service, Status: http.StatusOK, Message: "kết quả trả về không đúng định dạng", Transient: true}
		}
		return nil
	case CodeBusy:
		return &Error{Service: service, Code: ans.ErrorCode, Status: http.StatusOK, Message: clip(ans.Message), Transient: true}
	}
	return &Error{Service: service, Code: ans.ErrorCode, Status: http.StatusOK, Message: clip(ans.Message)}
}

// post sends one body and decodes the answer into out.
func (c *Client) post(ctx context.Context, service, url string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	raw, err := json.Marshal(body)
	if err != nil {
		return &Error{Service: service, Message: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return &Error{Service: service, Message: "địa chỉ Cổng không hợp lệ: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		msg := "không kết nối được"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = fmt.Sprintf("quá thời gian chờ %s", c.cfg.Timeout)
		}
		return &Error{Service: service, Message: msg, Transient: true}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &Error{Service: service, Status: resp.StatusCode, Message: "đứt kết nối khi đọc phản hồi", Transient: true}
	}
	if resp.StatusCode != http.StatusOK {
		return &Error{Service: service, Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode),
			Transient: resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Service: service, Status: resp.StatusCode, Message: "phản hồi không phải JSON hợp lệ", Transient: true}
	}
	return nil
}

// currentSession returns a session valid for at least another minute,
// logging in when needed.
func (c *Client) currentSession(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != "" && c.cfg.Now().Add(time.Minute).Before(c.expires) {
		return c.session, nil
	}
	const service = "phiên làm việc"
	var ans SessionAnswer
	if err := c.post(ctx, service, c.cfg.SessionURL, SessionRequest{Username: c.cfg.Username, Password: c.cfg.Password}, &ans); err != nil {
		return "", err
	}
	if ans.ErrorCode != CodeOK || ans.Session == "" {
		return "", &Error{Service: service, Code: ans.ErrorCode, Status: http.StatusOK, Message: "đăng nhập Cổng không thành công: " + clip(ans.Message), Transient: true}
	}
	ttl := time.Duration(ans.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	c.session, c.expires = ans.Session, c.cfg.Now().Add(ttl)
	return c.session, nil
}

// forget drops session if it is still the current one.
func (c *Client) forget(session string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == session {
		c.session = ""
	}
}

// clip keeps a portal message to one short line.
func clip(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
