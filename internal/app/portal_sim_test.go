package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
)

func TestPortalSim(t *testing.T) {
	file := filepath.Join(t.TempDir(), "inbound.json")
	os.WriteFile(file, []byte(`[{"MaTTHC":"2.000815","MaDonVi":"000.00.15.H22","ChuHoSo":"Phạm Thị Dung","LoaiDoiTuong":1,"NgayNopHoSo":"20250310200000"}]`), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Environ: func() []string { return nil }, Now: time.Now, Random: rand.Reader}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"portal-sim", "--addr", "127.0.0.1:0", "--password", "bi-mat", "--session-ttl", "5m", "--inbound", file}, env)
	}()
	urlLine := regexp.MustCompile(`DUNGHAN_PORTAL_URL=(http://127\.0\.0\.1:\d+)/service\n`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := urlLine.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("portal-sim did not start:\nstdout: %s\nstderr: %s", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"1 online dossiers queued", "DUNGHAN_PORTAL_SESSION_URL=" + base + "/session\n",
		"DUNGHAN_PORTAL_USER=dunghan\n", "DUNGHAN_PORTAL_PASSWORD=bi-mat\n", "state:   " + base + "/sim/state"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	post := func(path string, v any) []byte {
		t.Helper()
		body, _ := json.Marshal(v)
		resp, err := http.Post(base+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return b.Bytes()
	}
	var session portal.SessionAnswer
	json.Unmarshal(post("/session", portal.SessionRequest{Username: "dunghan", Password: "bi-mat"}), &session)
	if session.ErrorCode != 0 || session.Session == "" || session.ExpiresIn != 300 {
		t.Fatalf("session %+v", session)
	}
	d := portal.Dossier{MaHoSo: "000.00.15.H22-250310-0001", MaTTHC: "1.001234", KenhThucHien: 1, TrangThaiHoSo: 2, NgayTiepNhan: "20250310081500"}
	for _, want := range []int{portal.CodeOK, portal.CodeExists} {
		var a portal.Answer
		json.Unmarshal(post("/service", portal.Request{Session: session.Session, Service: portal.ServicePushDossier, Data: simJSON(t, []portal.Dossier{d})}), &a)
		if a.ErrorCode != want {
			t.Fatalf("push: %+v, want error_code %d", a, want)
		}
	}
	resp, err := http.Get(base + "/sim/state")
	if err != nil {
		t.Fatal(err)
	}
	var snap portalsim.Snapshot
	json.NewDecoder(resp.Body).Decode(&snap)
	resp.Body.Close()
	if len(snap.Dossiers) != 1 || snap.Dossiers[0].Key != d.MaHoSo || len(snap.Inbound) != 1 || snap.Inbound[0].MaHoSoQG != "DVCQG-000001" {
		t.Errorf("state %+v", snap)
	}
	if strings.Contains(errb.String(), "Phạm Thị Dung") || !strings.Contains(errb.String(), "service=DongBoHoSoMC") {
		t.Errorf("log:\n%s", errb.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("portal-sim did not stop")
	}
}

func simJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPortalSimBadFlags(t *testing.T) {
	dir := t.TempDir()
	badJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(badJSON, []byte(`{"MaDonVi":"x"}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:8089"}, "--public"},
		{[]string{"--addr", ":8089"}, "--public"},
		{[]string{"--addr", "example.org:80"}, "--public"},
		{[]string{"--addr", "nonsense"}, "host:port"},
		{[]string{"--session-ttl", "0s"}, "--session-ttl"},
		{[]string{"--password", ""}, "--password"},
		{[]string{"--inbound", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"--inbound", badJSON}, "bad.json"},
	} {
		code, out, stderr := run(t, nil, "", append([]string{"portal-sim"}, tc.args...)...)
		if code != 2 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %s", tc.args, code, stderr, tc.want)
		}
	}
	for _, args := range [][]string{{"portal-sim", "-bogus"}, {"portal-sim", "extra"}} {
		if code, _, stderr := run(t, nil, "", args...); code != 2 || !strings.Contains(stderr, "Usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, nil, "", "portal-sim", "-h"); code != 0 || !strings.Contains(stderr, "/sim/faults") {
		t.Errorf("-h: exit %d, %q", code, stderr)
	}
}

func TestPortalSimLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8089": true, "localhost:1": true, "[::1]:80": true, "127.1.2.3:0": true,
		"0.0.0.0:8089": false, ":8089": false, "10.0.0.5:80": false, "[::]:80": false, "dvc.local:80": false} {
		if got, err := isLoopback(addr); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", addr, got, err, want)
		}
	}
}
