package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Debian chromium for a test, or skips when it is
// missing outside CI (.ci/run installs it and sets DUNGHAN_BROWSER).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("DUNGHAN_BROWSER") != "" {
			t.Fatal("DUNGHAN_BROWSER is set but chromium is not installed")
		}
		t.Skip("chromium not installed (apt-get install chromium); .ci/run installs it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// artifacts is where screenshots go: $DUNGHAN_ARTIFACTS, or a temp folder.
func artifacts(t *testing.T) string {
	dir := os.Getenv("DUNGHAN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "dunghan-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot saves a full-page screenshot of the current page.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artifacts(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// realServer starts 'dunghan serve' on a fresh SQLite database with the
// demo data and returns its base URL.
func realServer(t *testing.T) string {
	t.Helper()
	addr := freeAddr(t)
	vars := []string{"DUNGHAN_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "e2e.db"), "DUNGHAN_LOG_LEVEL=warn", "DUNGHAN_ADDR=" + addr}
	stop := serve(t, vars)
	t.Cleanup(stop)
	return "http://" + addr
}

// TestBrowserSmoke checks the harness: the log-in page renders in chromium.
func TestBrowserSmoke(t *testing.T) {
	base := realServer(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dang-nhap")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "Đăng nhập · dunghan" {
		t.Fatalf("title %q, %v", title, err)
	}
	shot(t, ctx, "login")
}
