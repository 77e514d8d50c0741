package watch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"dunghan/internal/store"
)

// Webhook headers. The signature is HMAC-SHA256, keyed with the shared
// secret, of the timestamp, a dot and the body: "sha256=<hex>". A receiver
// recomputes it and refuses old timestamps (replays).
const (
	HeaderSignature = "X-Dunghan-Signature"
	HeaderTimestamp = "X-Dunghan-Timestamp"
	HeaderDelivery  = "X-Dunghan-Delivery" // the outbox ID: the same on a retry, for deduplication
)

// Webhook POSTs outbox messages (notice.Hook as JSON) to an agency's
// gateway, for SMS or Zalo.
type Webhook struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// NewWebhook returns a Webhook with a whole-request timeout (default 10 s),
// so a gateway that hangs costs one timeout and a retry, never a stuck worker.
func NewWebhook(url, secret string, timeout time.Duration, now func() time.Time) *Webhook {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &Webhook{url: url, secret: []byte(secret), client: &http.Client{Timeout: timeout}, now: now}
}

// Sign is the signature header value of body sent at timestamp ts.
func Sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send POSTs one message. 2xx is success; 408, 425, 429 and 5xx are retried
// like network errors and timeouts; any other status is permanent.
func (h *Webhook) Send(ctx context.Context, it store.OutboxItem) error {
	body := []byte(it.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook URL: %w", err))
	}
	ts := strconv.FormatInt(h.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "dunghan-webhook/1")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderDelivery, it.ID)
	req.Header.Set(HeaderSignature, Sign(h.secret, ts, body))
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook unreachable or too slow: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return fmt.Errorf("webhook answered %s", resp.Status)
	default:
		return Permanent(fmt.Errorf("webhook refused the message: %s", resp.Status))
	}
}
