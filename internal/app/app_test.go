package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dunghan/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// run calls Main with the given environment variables and stdin.
func run(t *testing.T, vars []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Environ: func() []string { return vars },
		Now: time.Now, Random: rand.Reader}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func TestHelpVersionAndBadFlags(t *testing.T) {
	code, out, _ := run(t, nil, "", "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, c := range []string{"serve", "migrate", "version", "procedure", "user", "calendar"} {
		if !strings.Contains(out, "  "+c+" ") {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
	}
	if code, out, _ := run(t, nil, "", "version"); code != 0 || !strings.HasPrefix(out, "dunghan ") {
		t.Errorf("version: %d %q", code, out)
	}
	for _, args := range [][]string{{}, {"nope"}, {"serve", "-bogus"}, {"migrate", "extra"}, {"version", "-x"},
		{"procedure"}, {"procedure", "import"}, {"procedure", "import", "-zzz", "f"}, {"user"}, {"user", "create"}, {"user", "create", "-q"}} {
		code, _, stderr := run(t, nil, "", args...)
		if code != 2 || !strings.Contains(stderr, "Usage") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with usage", args, code, stderr)
		}
	}
}

func TestBadConfiguration(t *testing.T) {
	code, _, stderr := run(t, []string{"DUNGHAN_ADDR=nonsense", "DUNGHAN_DATABASE_URL=mysql://x"}, "", "migrate")
	if code != 2 || !strings.Contains(stderr, "DUNGHAN_ADDR") || !strings.Contains(stderr, "DUNGHAN_DATABASE_URL") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, []string{"DUNGHAN_DATABASE_URL=postgres://u:pw@127.0.0.1:1/x?connect_timeout=1"}, "", "migrate")
	if code != 1 || !strings.Contains(stderr, "cannot reach database") || strings.Contains(stderr, ":pw@") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("unreachable database: exit %d, stderr %q", code, stderr)
	}
}

func TestCommandsOnEachEngine(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			vars := []string{"DUNGHAN_DATABASE_URL=" + storetest.URL(t, engine), "DUNGHAN_LOG_LEVEL=error"}
			if code, out, stderr := run(t, vars, "", "migrate"); code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %d %q %q", code, out, stderr)
			}
			file := filepath.Join(t.TempDir(), "p.json")
			os.WriteFile(file, []byte(`[{"id":"x-1","code":"1.000001","name":"Thủ tục thử","field":"Thử","duration":{"value":3,"unit":"working_days"}}]`), 0o600)
			if code, _, stderr := run(t, vars, "", "procedure", "import", file); code != 1 || !strings.Contains(stderr, "no agency") {
				t.Fatalf("import without agency: %d %q", code, stderr)
			}
			addr := freeAddr(t)
			stop := serve(t, append(vars, "DUNGHAN_ADDR="+addr))
			if code, out, stderr := run(t, vars, "", "procedure", "import", file); code != 0 || !strings.Contains(out, "1 new") {
				t.Fatalf("import: %d %q %q", code, out, stderr)
			}
			if code, out, _ := run(t, vars, "", "procedure", "import", file); code != 0 || !strings.Contains(out, "1 unchanged") {
				t.Fatalf("re-import: %d %q", code, out)
			}
			os.WriteFile(file, []byte(`[{"id":"x-1","name":"A","bogus":1}]`), 0o600)
			if code, _, stderr := run(t, vars, "", "procedure", "import", file); code != 1 || !strings.Contains(stderr, "bogus") {
				t.Fatalf("bad import: %d %q", code, stderr)
			}
			code, out, stderr := run(t, vars, "mật khẩu thật dài\n", "user", "create", "-username", "cv.moi", "-name", "Nguyễn Văn Mới", "-role", "specialist", "-unit", "GDTrH", "-password-stdin")
			if code != 0 || !strings.Contains(out, "created user cv.moi") || strings.Contains(out, "password") {
				t.Fatalf("user create: %d %q %q", code, out, stderr)
			}
			code, out, _ = run(t, vars, "", "user", "create", "-username", "cv.moi2", "-name", "B", "-role", "clerk,admin", "-unit", "VP")
			if code != 0 || !strings.Contains(out, "password (shown once): ") {
				t.Fatalf("user create with generated password: %d %q", code, out)
			}
			if code, _, stderr := run(t, vars, "", "user", "create", "-username", "cv.moi", "-name", "C", "-role", "clerk", "-unit", "VP"); code != 1 || !strings.Contains(stderr, "đã tồn tại") {
				t.Fatalf("duplicate user: %d %q", code, stderr)
			}
			if code, _, stderr := run(t, vars, "", "user", "create", "-username", "x.y", "-name", "C", "-role", "boss", "-unit", "VP"); code != 2 || !strings.Contains(stderr, "unknown role") {
				t.Fatalf("bad role: %d %q", code, stderr)
			}
			stop()
		})
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts 'dunghan serve', waits until /readyz answers, checks the
// demo data and the operational endpoints, and returns a function that
// stops it and checks the graceful shutdown.
func serve(t *testing.T, vars []string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Environ: func() []string { return vars }, Now: time.Now, Random: rand.Reader}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"serve"}, env) }()
	base := "http://" + strings.TrimPrefix(vars[len(vars)-1], "DUNGHAN_ADDR=")
	deadline := time.Now().Add(90 * time.Second) // the demo year loads first
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server not ready: %v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range []string{"serving http://", "Demo log-ins", "motcua1", "88 procedures"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q:\n%s", want, out.String())
		}
	}
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": "dunghan_http_requests_total", "/thu-tuc": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc"} {
		if body := get(t, base+path); !strings.Contains(body, want) {
			t.Errorf("GET %s lacks %q", path, want)
		}
	}
	return func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exit %d: %s", code, errb.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s")
		}
	}
}

func get(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
