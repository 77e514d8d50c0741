package app

import (
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/portalsim"
)

// TestPortalCommands serves the demo against a simulated portal, waits for
// the sync to settle, then reconciles, resynchronises and retries from the
// command line.
func TestPortalCommands(t *testing.T) {
	sim := portalsim.New(portalsim.Options{Password: "bí-mật-thử"})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	vars := []string{"DUNGHAN_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "portal.db"), "DUNGHAN_LOG_LEVEL=error",
		"DUNGHAN_PORTAL_URL=" + srv.URL + "/service", "DUNGHAN_PORTAL_SESSION_URL=" + srv.URL + "/session",
		"DUNGHAN_PORTAL_USER=" + portalsim.DefaultUsername, "DUNGHAN_PORTAL_PASSWORD=bí-mật-thử", "DUNGHAN_PORTAL_INTERVAL=1s"}
	stop := serve(t, append(vars, "DUNGHAN_ADDR="+freeAddr(t)))
	defer stop()

	settled := regexp.MustCompile(`synced (\d+) · pending 0 · sending 0 · failed (\d+)`)
	var status string
	for deadline := time.Now().Add(60 * time.Second); ; {
		code, out, stderr := run(t, vars, "", "portal", "status")
		if code != 0 {
			t.Fatalf("portal status: %d %q", code, stderr)
		}
		if m := settled.FindStringSubmatch(out); m != nil && m[1] != "0" {
			status = out
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync did not settle: %s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(status, "chưa có mã TTHC quốc gia") || !strings.Contains(status, "no reconciliation yet") {
		t.Fatalf("status: %s", status)
	}
	held := len(sim.Snapshot().Dossiers)

	today := time.Now().In(calendar.Zone).Format(time.DateOnly)
	code, out, stderr := run(t, vars, "", "portal", "reconcile", "-from", "2020-01-01", "-to", today)
	if code != 0 || !strings.Contains(out, "missing 0, different 0, unreachable 0") || !strings.Contains(out, "DOSSIER_SYNC ratio") ||
		!strings.Contains(stderr, "checked 100 dossiers…") || !regexp.MustCompile(`matched `+strconv.Itoa(held)+`,`).MatchString(out) {
		t.Fatalf("reconcile: %d\n%s\n%s", code, out, stderr)
	}
	if code, out, _ := run(t, vars, "", "portal", "status"); code != 0 || !strings.Contains(out, "reconciliation 01/01/2020–") {
		t.Fatalf("status after reconcile: %s", out)
	}

	key := sim.Snapshot().Dossiers[0].Dossier.MaHoSo
	if code, out, stderr := run(t, vars, "", "portal", "resync", "-dossier", key); code != 0 || !strings.Contains(out, key+": queued") {
		t.Fatalf("resync one: %d %q %q", code, out, stderr)
	}
	if code, out, stderr := run(t, vars, "", "portal", "resync", "-from", today, "-to", today); code != 0 || !strings.Contains(out, "queued to be pushed again") {
		t.Fatalf("resync a period: %d %q %q", code, out, stderr)
	}
	if code, out, stderr := run(t, vars, "", "portal", "retry"); code != 0 || !strings.Contains(out, "failed dossiers queued again") {
		t.Fatalf("retry: %d %q %q", code, out, stderr)
	}

	bad := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"portal"}, 2, "usage"},
		{[]string{"portal", "bogus"}, 2, "unknown subcommand"},
		{[]string{"portal", "reconcile"}, 2, "-from and -to are both required"},
		{[]string{"portal", "reconcile", "-from", "2025-02-01", "-to", "2025-01-01"}, 2, "is before"},
		{[]string{"portal", "resync", "-from", "01/02/2025", "-to", "2025-02-02"}, 2, "want YYYY-MM-DD"},
		{[]string{"portal", "resync", "-dossier", "000.00.08.H44-990101-0001"}, 1, "Không tìm thấy"},
	}
	for _, b := range bad {
		if code, _, stderr := run(t, vars, "", b.args...); code != b.code || !strings.Contains(stderr, b.want) {
			t.Errorf("%v: %d %q, want %d and %q", b.args, code, stderr, b.code, b.want)
		}
	}
	simVars := append(append([]string{}, vars[:2]...), "DUNGHAN_PORTAL_URL=sim")
	if code, _, stderr := run(t, simVars, "", "portal", "sync"); code != 1 || !strings.Contains(stderr, "dunghan portal-sim") {
		t.Fatalf("sync with the built-in simulator: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, vars[:2], "", "portal", "sync"); code != 1 || !strings.Contains(stderr, "not configured") {
		t.Fatalf("sync without a portal: %d %q", code, stderr)
	}
}
