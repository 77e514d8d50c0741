package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dunghan/internal/demo"
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
	vars := []string{"DUNGHAN_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "e2e.db"), "DUNGHAN_LOG_LEVEL=warn", "DUNGHAN_PORTAL_URL=sim", "DUNGHAN_ADDR=" + addr}
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

// js runs a script in the page and returns its string result.
func js(t *testing.T, ctx context.Context, script string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](script))
	if err != nil {
		t.Fatalf("script %q: %v", script, err)
	}
	return v
}

// waitURL waits until the page's address contains want.
func waitURL(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, want) {
			chromedp.Do(ctx, chromedp.WaitReady("body"))
			return loc
		}
		if time.Now().After(deadline) {
			body := js(t, ctx, `[...document.querySelectorAll('.error, .field-error, [role=alert]')].map(e => e.textContent.trim()).join(" | ") || document.body.innerText.slice(0, 600)`)
			t.Fatalf("page %s never reached %q; it shows:\n%s", loc, want, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logIn signs in through the log-in form.
func logIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && !strings.Contains(loc, "/dang-nhap") {
			chromedp.Do(ctx, chromedp.WaitReady("body"))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log-in as %s failed: %.300s", user, js(t, ctx, `document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// act submits one of the dossier page's action forms (they sit in closed
// <details>, as a person would open them) and waits for the success notice.
func act(t *testing.T, ctx context.Context, action, setup string) {
	t.Helper()
	js(t, ctx, `(() => { const f = document.querySelector('form[action$="/`+action+`"]');
		if (!f) return "missing"; const form = f; `+setup+`; f.closest('details').open = true; f.requestSubmit(); return "ok" })()`)
	waitURL(t, ctx, "ok="+action)
}

// TestBrowserJourney drives the real server in chromium as the staff and the
// citizen would: log in, receive a dossier, take it through every step to
// the return of its result, look it up publicly with the receipt's secret,
// and rate it. Screenshots of the main screens are kept as artefacts.
func TestBrowserJourney(t *testing.T) {
	base := realServer(t)
	ctx := browser(t)

	logIn(t, ctx, base, "motcua1")
	shot(t, ctx, "worklist")

	// Reception: pick the procedure, preview the promised date, receive.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/tiep-nhan"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	if got := js(t, ctx, `(() => { const s = document.querySelector('select[name=procedure]');
		const o = [...s.options].find(o => o.text.includes('Chỉnh sửa nội dung văn bằng'));
		if (!o) return "no such procedure"; s.value = o.value; document.querySelector('button[name=action][value=xem]').click(); return "ok" })()`); got != "ok" {
		t.Fatal(got)
	}
	waitURL(t, ctx, "/tiep-nhan")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("name")), chromedp.SendKeys(chromedp.ID("name"), "Nguyễn Thị Hoà"),
		chromedp.SendKeys(chromedp.ID("phone"), "0912345678")); err != nil {
		t.Fatal(err)
	}
	js(t, ctx, `(() => { document.querySelector('input[name=kind][value="1"]').checked = true;
		document.querySelector('input[name=channel][value="1"]').checked = true; return "ok" })()`)
	shot(t, ctx, "reception")
	js(t, ctx, `(() => { document.querySelector('button[name=action][value="tiep-nhan"]').click(); return "ok" })()`)
	loc := waitURL(t, ctx, "ok=tiep-nhan")
	code := js(t, ctx, `document.querySelector('h1 .code').textContent.trim()`)
	secret := js(t, ctx, `(() => { const dt = [...document.querySelectorAll('dt')].find(d => d.textContent.includes('Mã tra cứu'));
		return dt ? dt.nextElementSibling.firstChild.textContent.trim() : "" })()`)
	if !strings.HasPrefix(code, "000.00.08.H44-") || secret == "" {
		t.Fatalf("received %q with secret %q at %s", code, secret, loc)
	}

	// The desk passes it on; the leadership takes it through the remaining steps and resolves it.
	pickOfficer := `const u = form.querySelector('select[name=to_user]'); if (u && u.options.length > 1) u.selectedIndex = 1`
	act(t, ctx, "chuyen-buoc", pickOfficer)
	logIn(t, ctx, base, "giamdoc")
	for range 3 {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/ho-so/"+code), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		act(t, ctx, "chuyen-buoc", pickOfficer)
	}
	act(t, ctx, "giai-quyet", `form.querySelector('input[name=approved][value="1"]').checked = true; form.querySelector('[name=results]').value = 'Văn bản chỉnh sửa nội dung văn bằng'`)
	shot(t, ctx, "dossier")

	// The desk returns the result.
	logIn(t, ctx, base, "motcua1")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/ho-so/"+code), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	act(t, ctx, "tra-ket-qua", "")
	if status := js(t, ctx, `document.body.innerText`); !strings.Contains(status, "Đã trả kết quả") {
		t.Fatalf("the dossier page does not say the result was returned:\n%.800s", status)
	}

	// The citizen looks it up with the code and the secret, then rates it once.
	js(t, ctx, `(() => { document.querySelector('form[action="/dang-xuat"]').submit(); return "ok" })()`)
	waitURL(t, ctx, "/dang-nhap")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/tra-cuu"), chromedp.WaitVisible(chromedp.ID("ma")),
		chromedp.SendKeys(chromedp.ID("ma"), code), chromedp.SendKeys(chromedp.ID("k"), secret), chromedp.Submit(chromedp.ID("k"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	page := js(t, ctx, `document.body.innerText`)
	if !strings.Contains(page, "Chỉnh sửa nội dung văn bằng") || strings.Contains(page, "0912345678") {
		t.Fatalf("lookup page:\n%.1000s", page)
	}
	shot(t, ctx, "lookup")
	js(t, ctx, `(() => { const f = document.querySelector('form[action="/tra-cuu/danh-gia"]');
		f.querySelector('input[name=muc]').checked = true; f.querySelector('[name=gop-y]').value = 'Cán bộ hướng dẫn tận tình.'; f.requestSubmit(); return "ok" })()`)
	time.Sleep(500 * time.Millisecond)
	if page := js(t, ctx, `document.body.innerText`); !strings.Contains(strings.ToLower(page), "cảm ơn") {
		t.Fatalf("rating not confirmed:\n%.800s", page)
	}

	// Leadership overview.
	logIn(t, ctx, base, "giamdoc")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/tong-quan"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	if got := js(t, ctx, `document.querySelectorAll('svg').length + " " + document.querySelector('h1').textContent`); !strings.Contains(got, "Tổng quan") || strings.HasPrefix(got, "0 ") {
		t.Fatalf("overview: %s", got)
	}
	shot(t, ctx, "overview")
	for page, name := range map[string]string{"/diem-766": "scorecard", "/thong-bao": "notifications", "/dong-bo": "portal-sync"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		if h1 := js(t, ctx, `document.querySelector('h1') ? document.querySelector('h1').textContent : ""`); h1 == "" || strings.Contains(h1, "Không thực hiện") {
			t.Fatalf("%s: %q", page, h1)
		}
		shot(t, ctx, name)
	}
	// The built-in portal simulator offered three online dossiers: they wait at the desk, once each.
	// The worker delivers the demo year first, then pulls: reload until both show.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dong-bo"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		got := js(t, ctx, `document.body.innerText`)
		if strings.Contains(got, "Đã đồng bộ") && strings.Count(got, "Đã tạo hồ sơ") == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("portal sync page:\n%s", got)
		}
		time.Sleep(500 * time.Millisecond)
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
	}
}
