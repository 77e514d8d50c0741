package web_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

func newServer(t *testing.T, st web.Store) *httptest.Server {
	cal, _ := calendar.New(calendar.DefaultConfig())
	srv := httptest.NewServer(web.New(web.Deps{Store: st, Calendar: cal, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}))
	t.Cleanup(srv.Close)
	return srv
}

func seeded(t *testing.T, s *store.Store) {
	if _, err := demo.Seed(context.Background(), s, rand.Reader, 480); err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPagesAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		base := newServer(t, s).URL
		for _, c := range []struct {
			method, path, body string
			status             int
			want               string
		}{
			{"GET", "/healthz", "", 200, "ok"},
			{"GET", "/readyz", "", 200, "ready"},
			{"GET", "/thu-tuc", "", 200, "Chưa có thời hạn"},
			{"GET", "/thu-tuc?co-quan=nope", "", 404, "Không tìm thấy cơ quan"},
			{"GET", "/khong-co", "", 404, ""},
			{"POST", "/api/v1/auth/token", `{"username":"motcua1","password":"dunghan-demo"}`, 200, `"token"`},
			{"POST", "/api/v1/auth/token", `{"username":"motcua1","password":"sai-mat-khau"}`, 401, `"unauthorized"`},
			{"POST", "/api/v1/auth/token", `{"username":"motcua1"`, 400, "sai cú pháp"},
			{"POST", "/api/v1/auth/token", `{"user":"x"}`, 400, "trường không được hỗ trợ"},
			{"POST", "/api/v1/auth/token", `{"username":1}`, 400, "sai kiểu"},
			{"POST", "/api/v1/auth/token", `{"username":"a","password":"b"} {}`, 400, "dữ liệu thừa"},
			{"POST", "/api/v1/auth/token", `{"username":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "quá lớn"},
		} {
			status, body := call(t, c.method, base+c.path, c.body)
			if status != c.status || !strings.Contains(body, c.want) {
				t.Errorf("%s %s: %d %.200q; want %d containing %q", c.method, c.path, status, body, c.status, c.want)
			}
		}
	})
}

type downStore struct{ web.Store }

func (downStore) Ping(context.Context) error { return errors.New("connection refused") }

func TestReadyzWhenDatabaseIsDown(t *testing.T) {
	status, body := call(t, "GET", newServer(t, downStore{}).URL+"/readyz", "")
	if status != 503 || strings.Contains(body, "refused") {
		t.Fatalf("%d %q: want 503 without the internal cause", status, body)
	}
}
