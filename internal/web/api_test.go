package web_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

type api struct {
	t     *testing.T
	base  string
	now   *atomic.Pointer[time.Time]
	procs map[string]string
	units map[string]string
	users map[string]string
}

func vn(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", s, calendar.Zone)
	return t
}

func (a *api) at(s string) { t := vn(s); a.now.Store(&t) }

// do sends a JSON request and decodes the JSON answer.
func (a *api) do(method, path, token, body string, header ...string) (int, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		a.t.Fatalf("%s %s: not JSON (%d): %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func (a *api) login(user string) string {
	a.t.Helper()
	status, out := a.do("POST", "/api/v1/auth/token", "", fmt.Sprintf(`{"username":%q,"password":%q}`, user, demo.Password))
	if status != 200 {
		a.t.Fatalf("login %s: %d %v", user, status, out)
	}
	return out["token"].(string)
}

// ok runs a command that must succeed and returns the dossier.
func (a *api) ok(method, path, token, body string, header ...string) map[string]any {
	a.t.Helper()
	status, out := a.do(method, path, token, body, header...)
	if status != 200 {
		a.t.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}

// fails runs a command that must fail with the status and error code.
func (a *api) fails(status int, code, method, path, token, body string, header ...string) {
	a.t.Helper()
	got, out := a.do(method, path, token, body, header...)
	e, _ := out["error"].(map[string]any)
	if got != status || e == nil || e["code"] != code || e["message"] == "" {
		a.t.Fatalf("%s %s: %d %v; want %d %s", method, path, got, out, status, code)
	}
}

func eachAPI(t *testing.T, fn func(t *testing.T, a *api)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			a := &api{t: t, now: &atomic.Pointer[time.Time]{}, procs: map[string]string{}, units: map[string]string{}, users: map[string]string{}}
			a.at("2025-03-03 09:00")
			clock := func() time.Time { return *a.now.Load() }
			s := storetest.Open(t, engine, store.Options{Now: clock})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, s, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			procs, _ := s.Procedures(ctx, sum.Agency.ID)
			for _, p := range procs {
				a.procs[p.Key] = p.ID
			}
			units, _ := s.Units(ctx, sum.Agency.ID)
			for _, u := range units {
				a.units[u.Code] = u.ID
			}
			users, _ := s.Users(ctx, sum.Agency.ID)
			for _, u := range users {
				a.users[u.Username] = u.ID
			}
			cal, _ := calendar.New(calendar.DefaultConfig())
			var n atomic.Int64
			srv := httptest.NewServer(web.New(web.Deps{Store: s, Calendar: cal, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock,
				Secret: func() string { return fmt.Sprintf("SECRET%02d", n.Add(1)) }}))
			t.Cleanup(srv.Close)
			a.base = srv.URL
			fn(t, a)
		})
	}
}

func TestAPIDossierJourney(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		// Tokens live 12 hours, so each call logs in again at the simulated time.
		desk, spec, head, boss, clerk, other := "motcua1", "cv.trunghoc1", "tp.trunghoc", "giamdoc", "vanthu", "cv.mamnon1"
		body := fmt.Sprintf(`{"procedure_id":%q,"channel":1,"applicant":{"kind":1,"name":"Nguyễn Thị Lan","id_number":"001190000123","phone":"0912345678"},
			"documents":[{"name":"Đơn đề nghị","copies":1,"original":true,"digitised":true}]}`, a.procs["edu-003"]) // 15 working days
		d := a.ok("POST", "/api/v1/dossiers", a.login(desk), body, "Idempotency-Key", "recv-1")
		code := d["code"].(string)
		if code != "000.00.08.H44-250303-0001" || d["clock"].(map[string]any)["legal_due"] != "2025-03-24T17:00:00+07:00" {
			t.Fatalf("received %s due %v", code, d["clock"].(map[string]any)["legal_due"])
		}
		again := a.ok("POST", "/api/v1/dossiers", a.login(desk), body, "Idempotency-Key", "recv-1")
		if again["code"] != code {
			t.Fatalf("idempotent retry made %v", again["code"])
		}
		a.fails(409, "conflict", "POST", "/api/v1/dossiers", a.login(desk), strings.Replace(body, "Lan", "Lân", 1), "Idempotency-Key", "recv-1")
		path := "/api/v1/dossiers/" + code
		a.fails(403, "forbidden", "POST", path+"/resolve", a.login(spec), `{"approved":true}`)
		a.at("2025-03-03 10:00")
		a.ok("POST", path+"/transfer", a.login(desk), fmt.Sprintf(`{"to_step":1,"to_user":%q}`, a.users["cv.trunghoc1"]), "If-Match", `"1"`)
		a.fails(409, "conflict", "POST", path+"/transfer", a.login(desk), `{"to_step":2}`, "If-Match", `"1"`)
		a.fails(403, "forbidden", "GET", path, a.login(other), "")
		a.at("2025-03-04 09:00")
		a.ok("POST", path+"/request-supplement", a.login(spec), `{"reason":"Thiếu bản sao hợp lệ","missing":[{"name":"Bản sao văn bằng","copies":1}]}`)
		a.fails(409, "conflict", "POST", path+"/request-supplement", a.login(head), `{"reason":"Lần hai","missing":[{"name":"Giấy tờ","copies":1}]}`)
		a.at("2025-03-10 09:00")
		d = a.ok("POST", path+"/receive-supplement", a.login(desk), `{"documents":[{"name":"Bản sao văn bằng","copies":1}]}`)
		if due := d["clock"].(map[string]any)["legal_due"]; due != "2025-03-31T17:00:00+07:00" {
			t.Fatalf("legal clock must restart from the supplement: due %v", due)
		}
		a.at("2025-03-27 09:00")
		d = a.ok("POST", path+"/reschedule", a.login(head), `{"promised":"2025-04-04T17:00:00+07:00","reason":"Cần xác minh với trường cấp bằng"}`)
		if c := d["clock"].(map[string]any); c["promised"] != "2025-04-04T17:00:00+07:00" || c["legal_due"] != "2025-03-31T17:00:00+07:00" {
			t.Fatalf("reschedule moved promised %v, legal due %v", c["promised"], c["legal_due"])
		}
		a.fails(409, "conflict", "POST", path+"/reschedule", a.login(boss), `{"promised":"2025-04-10T17:00:00+07:00","reason":"lần hai"}`)
		a.fails(409, "conflict", "POST", path+"/return", a.login(desk), `{"to":"Nguyễn Thị Lan","method":"trực tiếp"}`)
		a.at("2025-04-02 10:00")
		a.ok("POST", path+"/resolve", a.login(boss), `{"approved":true,"results":["Quyết định công nhận"],"e_result":true}`)
		d = a.ok("POST", path+"/return", a.login(clerk), `{"to":"Nguyễn Thị Lan","method":"trực tiếp"}`)
		c := d["clock"].(map[string]any)
		if c["class"] != "late" || c["portal_code"] != float64(10) || len(d["history"].([]any)) != 7 {
			t.Fatalf("finished: class %v, portal %v, %d events", c["class"], c["portal_code"], len(d["history"].([]any)))
		}
		list := a.ok("GET", "/api/v1/dossiers?q=nguyen+thi&limit=5", a.login(desk), "")
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["class"] != "late" {
			t.Fatalf("list: %v", list)
		}
		if items := a.ok("GET", "/api/v1/dossiers", a.login(other), "")["items"].([]any); len(items) != 0 {
			t.Fatalf("another unit's specialist sees %d dossiers", len(items))
		}
		a.fails(403, "forbidden", "GET", "/api/v1/dossiers?unit="+a.units["GDTrH"], a.login(other), "")
	})
}

func TestAPIBadInput(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		desk := a.login("motcua1")
		a.fails(401, "unauthorized", "GET", "/api/v1/dossiers", "", "")
		a.fails(401, "unauthorized", "GET", "/api/v1/dossiers", "not-a-token", "")
		a.fails(400, "invalid", "POST", "/api/v1/dossiers", desk, `{"procedure_id":`)
		a.fails(400, "invalid", "POST", "/api/v1/dossiers", desk, `{"procedure_id":"x","colour":"red"}`)
		a.fails(404, "not_found", "POST", "/api/v1/dossiers", desk, `{"procedure_id":"nope","channel":1,"applicant":{"kind":1,"name":"A"}}`)
		a.fails(400, "invalid", "POST", "/api/v1/dossiers", desk, fmt.Sprintf(`{"procedure_id":%q,"channel":9,"applicant":{"kind":1,"name":"A"}}`, a.procs["edu-001"]))
		a.fails(400, "invalid", "POST", "/api/v1/dossiers", desk, fmt.Sprintf(`{"procedure_id":%q,"channel":1,"applicant":{"kind":1,"name":"A"},"accepted_at":"yesterday"}`, a.procs["edu-001"]))
		a.fails(413, "too_large", "POST", "/api/v1/dossiers", desk, `{"procedure_id":"`+strings.Repeat("x", 2<<20)+`"}`)
		a.fails(404, "not_found", "POST", "/api/v1/dossiers/000.00.08.H44-250303-0099/stop", desk, `{"reason":"x"}`)
		a.fails(400, "invalid", "GET", "/api/v1/dossiers?limit=0", desk, "")
		a.fails(400, "invalid", "GET", "/api/v1/dossiers?cursor=zzz", desk, "")
		d := a.ok("POST", "/api/v1/dossiers", desk, fmt.Sprintf(`{"procedure_id":%q,"channel":1,"applicant":{"kind":1,"name":"Không thời hạn"}}`, a.procs["edu-048"]))
		if c := d["clock"].(map[string]any); c["no_deadline"] != true || c["legal_due"] != nil {
			t.Fatalf("a procedure without duration must be flagged, never given one: %v", c)
		}
		a.fails(400, "invalid", "POST", "/api/v1/dossiers/"+d["code"].(string)+"/stop", desk, `{}`, "If-Match", "abc")
	})
}

func TestOpenAPIDocumentMatchesRoutes(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		doc := a.ok("GET", "/api/v1/openapi.json", "", "")
		paths := doc["paths"].(map[string]any)
		for _, want := range []string{"/api/v1/auth/token", "/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/transfer",
			"/api/v1/dossiers/{code}/request-supplement", "/api/v1/dossiers/{code}/reschedule", "/api/v1/dossiers/{code}/return"} {
			if paths[want] == nil {
				t.Errorf("OpenAPI lacks %s", want)
			}
		}
		// Every documented operation answers (not 404/405) on the server.
		for p, item := range paths {
			for method := range item.(map[string]any) {
				url := strings.ReplaceAll(p, "{code}", "000.00.08.H44-250303-0099")
				status, _ := a.do(strings.ToUpper(method), url, "", `{}`)
				if status == 404 && !strings.Contains(p, "{code}") || status == 405 {
					t.Errorf("%s %s documented but answers %d", method, p, status)
				}
			}
		}
		pdf := paths["/api/v1/dossiers/{code}/forms/{form}"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
		if pdf["application/pdf"] == nil {
			t.Errorf("the form endpoint is not documented as a PDF: %v", pdf)
		}
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		if schemas["Reschedule"] == nil || schemas["dossierView"] == nil {
			t.Errorf("schemas missing: %v", keys(schemas))
		}
	})
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAPIOtherPaths(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		desk, spec, boss := "motcua1", "cv.trunghoc1", "giamdoc"
		applicant := `"channel":1,"applicant":{"kind":1,"name":"Phạm Văn Đông"}`
		proc := a.procs["edu-003"]
		// Refused at the desk: a record with no code and no clock.
		d := a.ok("POST", "/api/v1/dossiers/intake/refuse", a.login(desk), fmt.Sprintf(`{"procedure_id":%q,%s,"reason":"Không thuộc thẩm quyền"}`, proc, applicant))
		if d["code"] != nil || d["clock"].(map[string]any)["portal_code"] != float64(3) {
			t.Fatalf("refused at intake: %v", d)
		}
		// Guided to complete, then accepted when complete.
		d = a.ok("POST", "/api/v1/dossiers/intake/request-completion", a.login(desk), fmt.Sprintf(`{"procedure_id":%q,%s,"reason":"Thiếu đơn","missing":[{"name":"Đơn đề nghị","copies":1}]}`, proc, applicant))
		a.at("2025-03-05 09:00")
		d = a.ok("POST", "/api/v1/dossiers/"+d["id"].(string)+"/accept", a.login(desk), `{"documents":[{"name":"Đơn đề nghị","copies":1,"original":true}]}`)
		if d["code"] != "000.00.08.H44-250305-0001" || d["clock"].(map[string]any)["portal_code"] != float64(2) {
			t.Fatalf("accepted after completion: %v", d["code"])
		}
		// Online submission accepted at the desk, then a payment pause.
		sub := a.ok("POST", "/api/v1/dossiers/online", a.login(desk), fmt.Sprintf(`{"procedure_id":%q,"applicant":{"kind":2,"name":"Công ty TNHH Ánh Dương","organisation":"Công ty TNHH Ánh Dương"}}`, proc))
		if sub["clock"].(map[string]any)["portal_code"] != float64(1) {
			t.Fatalf("submitted online: %v", sub["clock"])
		}
		d = a.ok("POST", "/api/v1/dossiers/"+sub["id"].(string)+"/accept", a.login(desk), `{"channel":2}`)
		code := d["code"].(string)
		path := "/api/v1/dossiers/" + code
		a.ok("POST", path+"/transfer", a.login(desk), fmt.Sprintf(`{"to_step":1,"to_user":%q}`, a.users["cv.trunghoc1"]))
		before := a.ok("GET", path, a.login(spec), "")["clock"].(map[string]any)["legal_due"]
		a.at("2025-03-05 10:00")
		a.ok("POST", path+"/request-payment", a.login(spec), `{"amount":150000,"reason":"Lệ phí"}`)
		a.fails(409, "conflict", "POST", path+"/transfer", a.login(spec), `{"to_step":2,"to_unit":"`+a.units["GDTrH"]+`"}`)
		a.at("2025-03-06 10:00")
		d = a.ok("POST", path+"/confirm-payment", a.login(desk), `{"paid_online":true}`)
		if after := d["clock"].(map[string]any)["legal_due"]; after == before {
			t.Fatalf("a payment pause must move the legal due: still %v", after)
		}
		a.ok("POST", path+"/stop", a.login(boss), `{"reason":"Cơ quan phối hợp đề nghị dừng"}`)
		a.fails(409, "conflict", "POST", path+"/resolve", a.login(boss), `{"approved":true}`)
		// Withdrawn at the applicant's request.
		w := a.ok("POST", "/api/v1/dossiers", a.login(desk), fmt.Sprintf(`{"procedure_id":%q,%s}`, proc, applicant))
		w = a.ok("POST", "/api/v1/dossiers/"+w["code"].(string)+"/withdraw", a.login(desk), `{"reason":"Người nộp xin rút"}`)
		if w["clock"].(map[string]any)["portal_code"] != float64(7) {
			t.Fatalf("withdrawn: %v", w["clock"])
		}
	})
}
