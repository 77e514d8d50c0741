package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"dunghan/internal/apperr"
)

// Limits per client address: a burst, then one request per interval.
var limits = map[string]struct {
	burst    int
	interval time.Duration
}{
	"login":  {burst: 10, interval: 6 * time.Second}, // log-in attempts
	"lookup": {burst: 20, interval: 3 * time.Second}, // public lookup and rating
}

// limiter is a token bucket per (bucket, client address), in memory.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from the client's bucket, if it has one.
func (l *limiter) allow(name, client string) bool {
	cfg := limits[name]
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > 100_000 { // forget everyone rather than grow without bound
		l.buckets = map[string]*bucket{}
	}
	key := name + "|" + client
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(cfg.burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(cfg.burst), b.tokens+now.Sub(b.last).Seconds()/cfg.interval.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// limited applies the named rate limit to h, per client address.
func (s *Server) limited(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if s.limits.allow(name, host) {
			h(w, r)
			return
		}
		s.deps.Log.Warn("rate limit", "bucket", name, "path", r.URL.Path)
		w.Header().Set("Retry-After", "10")
		err = apperr.New(apperr.RateLimited, "Bạn thao tác quá nhanh. Vui lòng đợi ít phút rồi thử lại.")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.failJSON(w, r, err)
			return
		}
		s.fail(w, r, err)
	}
}
