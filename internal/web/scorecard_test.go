package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/report"
	"dunghan/internal/scorecard"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

// demoSite is a server on a year of demo dossiers.
type demoSite struct {
	*site
	st     *store.Store
	agency string
	units  map[string]string // code → ID
	cal    *calendar.Calendar
}

// historyNow is when the demo year ends.
var historyNow = time.Date(2026, 11, 20, 10, 0, 0, 0, calendar.Zone)

func newDemoSite(tb testing.TB, engine store.Engine) *demoSite {
	tb.Helper()
	s := &site{now: &atomic.Pointer[time.Time]{}, procs: map[string]string{}, users: map[string]string{}, logs: &bytes.Buffer{}, clients: map[string]*session{}}
	if t, ok := tb.(*testing.T); ok {
		s.t = t
	}
	start := historyNow
	s.now.Store(&start)
	clock := func() time.Time { return *s.now.Load() }
	st := storetest.Open(tb, engine, store.Options{Now: clock})
	ctx := context.Background()
	sum, err := demo.Seed(ctx, st, rand.Reader, 480)
	if err != nil {
		tb.Fatal(err)
	}
	cal, _ := calendar.New(calendar.DefaultConfig())
	if _, err := demo.History(ctx, st, sum.Agency.ID, cal, historyNow, nil); err != nil {
		tb.Fatal(err)
	}
	judged := historyNow.Add(time.Hour)
	s.now.Store(&judged)
	d := &demoSite{site: s, st: st, agency: sum.Agency.ID, units: map[string]string{}, cal: cal}
	units, _ := st.Units(ctx, sum.Agency.ID)
	for _, u := range units {
		d.units[u.Code] = u.ID
	}
	srv := httptest.NewServer(web.New(web.Deps{Store: st, Calendar: cal, Log: slog.New(slog.NewTextHandler(s.logs, nil)), Now: clock,
		Secret: func() string { return "SECRET" }}))
	tb.Cleanup(srv.Close)
	s.base = srv.URL
	return d
}

var totalCell = regexp.MustCompile(`data-col="(\d+)">(\d+)<`)

// pageTotals reads the totals row of the Biểu 06 page: column → value.
func pageTotals(t *testing.T, body string) map[int]int {
	t.Helper()
	i := strings.Index(body, `id="tong-cong"`)
	if i < 0 {
		t.Fatalf("no totals row:\n%s", excerpt(body))
	}
	out := map[int]int{}
	for _, m := range totalCell.FindAllStringSubmatch(body[i:], -1) {
		c, _ := strconv.Atoi(m[1])
		v, _ := strconv.Atoi(m[2])
		out[c] = v
	}
	if len(out) != 11 {
		t.Fatalf("totals row has %d cells", len(out))
	}
	return out
}

// xlsxTotals reads the totals row of a Biểu 06 workbook.
func xlsxTotals(t *testing.T, data []byte) map[int]int {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) == 13 && r[1] == report.TotalLabel {
			out := map[int]int{}
			for i, c := range r[2:] {
				v, err := strconv.Atoi(c)
				if err != nil {
					t.Fatalf("total cell %d: %q", i+3, c)
				}
				out[i+3] = v
			}
			return out
		}
	}
	t.Fatalf("no totals row in the workbook")
	return nil
}

func (d *demoSite) download(user, path string) (int, string, []byte) {
	d.t.Helper()
	req, _ := http.NewRequest("GET", d.base+path, nil)
	resp, err := d.as(user).Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// TestScorecardAndReports drives the scorecard, the reports and the
// what-if calculator over a year of demo dossiers on every engine.
func TestScorecardAndReports(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			d := newDemoSite(t, engine)
			d.t = t
			ctx := context.Background()

			t.Run("access", func(t *testing.T) {
				d.t = t
				for _, path := range []string{"/diem-766", "/bao-cao/bieu-06", "/bao-cao/bieu-06.xlsx", "/bao-cao/cham-tre"} {
					d.want(d.get("motcua1", path), http.StatusForbidden, "chỉ dành cho lãnh đạo Sở và lãnh đạo phòng")
					d.want(d.get("cv.trunghoc1", path), http.StatusForbidden)
					if p := d.send(browserClient(), "GET", path, nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/dang-nhap") {
						t.Fatalf("%s without a session: %d %s", path, p.status, p.location)
					}
				}
				d.want(d.get("motcua1", "/diem-766/gia-dinh"), http.StatusOK, "Tính điểm Bộ chỉ số 766 giả định")
				// A division head sees their own division, whatever they ask for.
				p := d.get("tp.trunghoc", "/diem-766?don-vi="+d.units["GDMNTH"])
				d.want(p, http.StatusOK, "Điểm Bộ chỉ số 766 — Phòng Giáo dục Trung học")
				if strings.Contains(p.body, `name="don-vi"`) {
					t.Fatal("a division head is offered other units")
				}
				d.want(d.get("giamdoc", "/diem-766"), http.StatusOK, "Điểm Bộ chỉ số 766 — Toàn cơ quan", `name="don-vi"`)
			})

			t.Run("scorecard", func(t *testing.T) {
				d.t = t
				now := *d.now.Load()
				year := store.Scope{AgencyID: d.agency, From: time.Date(2026, 1, 1, 0, 0, 0, 0, calendar.Zone), To: time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Zone), Now: now}
				rep, err := d.st.Scorecard(ctx, year, d.cal)
				if err != nil {
					t.Fatal(err)
				}
				out := scorecard.Compute(scorecard.Current, rep.Facts.Input())
				p := d.get("giamdoc", "/diem-766?ky=nam&nam=2026")
				total := strings.Replace(strconv.FormatFloat(out.Total.Score, 'f', -1, 64), ".", ",", 1)
				d.want(p, http.StatusOK, "kỳ năm 2026", `id="du-bao"`, "Dự báo điểm cuối kỳ", total+` <small>/ 82</small>`,
					"Hồ sơ làm mất điểm ("+strconv.Itoa(rep.CostlyCount)+")", "chưa xác định", `id="nhom-transparency"`)
				if rep.CostlyCount == 0 {
					t.Fatal("the demo year has no costly dossier")
				}
				for _, c := range rep.Costly {
					if !strings.Contains(p.body, `href="/ho-so/`+url.PathEscape(c.Code)+`"`) {
						t.Fatalf("costly dossier %s is not linked", c.Code)
					}
				}
				if !strings.Contains(p.body, "Bước ") || !strings.Contains(p.body, "so với thời gian quy định") {
					t.Fatal("no step or officer named for the late dossiers")
				}
				// A month that has ended has no projection.
				past := d.get("giamdoc", "/diem-766?ky=thang&nam=2026&thang=6")
				d.want(past, http.StatusOK, "kỳ tháng 06/2026")
				if strings.Contains(past.body, `id="du-bao"`) {
					t.Fatal("a past month has a projection")
				}
				// A quarter, a unit, custom dates and a bad period.
				d.want(d.get("giamdoc", "/diem-766?ky=quy&nam=2026&quy=2&don-vi="+d.units["KTQLCL"]), http.StatusOK, "quý II/2026", "Phòng Khảo thí")
				d.want(d.get("giamdoc", "/diem-766?ky=tuy-chon&tu=17/03/2026&den=30/04/2026"), http.StatusOK, "từ 17/03/2026 đến 30/04/2026")
				d.want(d.get("giamdoc", "/diem-766?ky=tuy-chon&tu=30/04/2026&den=17/03/2026"), http.StatusOK, "Ngày kết thúc của kỳ phải từ ngày bắt đầu trở đi")
				d.want(d.get("giamdoc", "/diem-766?ky=thang&nam=2026&thang=13"), http.StatusOK, "Kỳ báo cáo không hợp lệ")
				// A period with no dossiers scores by the zero-denominator rules.
				d.want(d.get("giamdoc", "/diem-766?ky=nam&nam=2022"), http.StatusOK, "Không có hồ sơ nào làm mất điểm")

				// The what-if button posts the scorecard's own inputs: same total.
				b, _ := json.Marshal(rep.Facts.Input())
				w := d.post("giamdoc", "/diem-766/gia-dinh", url.Values{"json": {string(b)}})
				d.want(w, http.StatusOK, `<span id="tong-diem">`+total+`</span> / 82`)
			})

			t.Run("bieu06", func(t *testing.T) {
				d.t = t
				for _, q := range []string{"ky=nam&nam=2026", "ky=thang&nam=2026&thang=6", "ky=quy&nam=2026&quy=4&don-vi=" + d.units["GDTrH"]} {
					p := d.get("giamdoc", "/bao-cao/bieu-06?"+q)
					d.want(p, http.StatusOK, "Biểu số 06/VPCP/KSTT", "Tải về tệp Excel")
					onPage := pageTotals(t, p.body)
					status, ctype, data := d.download("giamdoc", "/bao-cao/bieu-06.xlsx?"+q)
					if status != http.StatusOK || !strings.Contains(ctype, "spreadsheetml") {
						t.Fatalf("xlsx: %d %s", status, ctype)
					}
					inFile := xlsxTotals(t, data)
					for c, v := range onPage {
						if inFile[c] != v {
							t.Fatalf("%s: column %d: page %d, workbook %d", q, c, v, inFile[c])
						}
					}
					if onPage[3] != onPage[4]+onPage[5]+onPage[6] || onPage[3] != onPage[7]+onPage[11] || onPage[7] != onPage[8]+onPage[9]+onPage[10] {
						t.Fatalf("%s: the totals do not add up: %v", q, onPage)
					}
					if q == "ky=nam&nam=2026" && (onPage[3] < 700 || onPage[11] == 0 || onPage[10] == 0) {
						t.Fatalf("the demo year's totals are not realistic: %v", onPage)
					}
				}
				d.want(d.get("tp.mamnon", "/bao-cao/bieu-06?ky=nam&nam=2026"), http.StatusOK, "Phòng Giáo dục Mầm non – Tiểu học")
			})

			t.Run("delay", func(t *testing.T) {
				d.t = t
				q := store.Scope{AgencyID: d.agency, From: time.Date(2026, 1, 1, 0, 0, 0, 0, calendar.Zone), To: time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Zone), Now: *d.now.Load()}
				tallies, _ := d.st.StepTallies(ctx, q)
				late, _ := d.st.LateDossiers(ctx, q, d.cal)
				steps, lateSteps := 0, 0
				for _, x := range tallies {
					steps += x.Steps
					lateSteps += x.Late
				}
				p := d.get("giamdoc", "/bao-cao/cham-tre?ky=nam&nam=2026")
				d.want(p, http.StatusOK, "Theo cán bộ", "Vũ Thị Lan", fmt.Sprintf(`<span class="num">%d</span>bước xử lý đã kết thúc`, steps),
					fmt.Sprintf(`<span class="num">%d</span>bước quá thời gian quy định`, lateSteps), fmt.Sprintf("bước làm chậm (%d)", len(late)))
				if len(late) == 0 || !strings.Contains(p.body, `href="/ho-so/`+url.PathEscape(late[0].Code)+`"`) {
					t.Fatalf("late dossiers not listed: %d", len(late))
				}
				h := d.get("tp.khaothi", "/bao-cao/cham-tre?ky=nam&nam=2026")
				d.want(h, http.StatusOK, "Phòng Khảo thí và Quản lý chất lượng")
				if strings.Contains(h.body, "Phòng Giáo dục Trung học</a>") {
					t.Fatal("a division head sees another division's steps")
				}
			})

			t.Run("what-if", func(t *testing.T) {
				d.t = t
				form := url.Values{"progress.totalReceived": {"326"}, "progress.totalOnTime": {"207"},
					"metrics.DOSSIER_RECEIVING_SATISFACTION.numerator": {"205"}, "metrics.DOSSIER_RECEIVING_SATISFACTION.denominator": {"326"}}
				d.want(d.post("cv.trunghoc1", "/diem-766/gia-dinh", form), http.StatusOK, `<span id="tong-diem">16,89</span> / 38`, "63,5 %", "12,7", "62,88 %", "4,19")
				// Thousands separators are read; empty groups are left out.
				form.Set("progress.totalReceived", "1.326")
				d.want(d.post("cv.trunghoc1", "/diem-766/gia-dinh", form), http.StatusOK, "207/1326 hồ sơ đúng hạn")
				form.Set("progress.totalReceived", "200")
				d.want(d.post("cv.trunghoc1", "/diem-766/gia-dinh", form), http.StatusBadRequest, "progress.totalOnTime: tử số (207) lớn hơn mẫu số", `aria-invalid="true"`)
				form.Set("progress.totalReceived", "ba trăm")
				d.want(d.post("cv.trunghoc1", "/diem-766/gia-dinh", form), http.StatusBadRequest, "progress.totalReceived: phải là một số nguyên không âm")
				form.Del("progress.totalReceived")
				d.want(d.post("cv.trunghoc1", "/diem-766/gia-dinh", form), http.StatusBadRequest, "progress.totalReceived: thiếu trường bắt buộc")
				ref := `{"progress": {"totalReceived": 326, "totalOnTime": 207}, "metrics": {"DOSSIER_RECEIVING_SATISFACTION": {"numerator": 205, "denominator": 326}}}`
				p := d.post("motcua1", "/diem-766/gia-dinh", url.Values{"json": {ref}})
				d.want(p, http.StatusOK, `<span id="tong-diem">16,89</span> / 38`, `id="progress.totalReceived" name="progress.totalReceived" value="326"`)
				d.want(d.post("motcua1", "/diem-766/gia-dinh", url.Values{"json": {`{"metrics": {"NOPE": {}}}`}}), http.StatusBadRequest, "metrics.NOPE: mã chỉ số không có")
				d.want(d.post("motcua1", "/diem-766/gia-dinh", url.Values{"json": {`326/207`}}), http.StatusBadRequest, "không phải JSON hợp lệ")
			})

			t.Run("api", func(t *testing.T) {
				d.t = t
				a := &api{t: t, base: d.base, now: d.now}
				token := a.login("motcua1")
				ref := `{"progress": {"totalReceived": 326, "totalOnTime": 207},
  "payment": {"totalDossierOnlinePaymentSuccess": 0, "totalDossierFinancialObligation": 0, "totalDossierOnlineFormalityPaymentSuccess": 0, "totalFeeDossierFormality": 0, "totalFeeFormality": 0},
  "online": {"authorityCount": 0, "partialCount": 0, "fullCount": 0, "onlineDossierCount": 0, "onlineServiceTotal": 0, "channelOnlineSum": 0, "channelTotalSum": 0},
  "metrics": {"DOSSIER_RECEIVING_SATISFACTION": {"numerator": 205, "denominator": 326}}}`
				out := a.ok("POST", "/api/v1/scorecard/what-if", token, ref)
				got, _ := json.Marshal(out)
				want := `{"groups":{"progress":{"max":20,"ratio":63.5,"score":12.7},"satisfaction":{"max":18,"ratio":23.28,"score":4.19}},"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"max":6,"ratio":62.88,"score":4.19}},"total":{"max":38,"score":16.89}}`
				if string(got) != want {
					t.Fatalf("what-if:\n got  %s\n want %s", got, want)
				}
				a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/scorecard/what-if", token, `{"progress": {"totalReceived": 200, "totalOnTime": 207}}`)
				_, e := a.do("POST", "/api/v1/scorecard/what-if", token, `{"metrics": {"DOSSIER_SYNC": {"numerator": -1, "denominator": 2}}}`)
				if msg := e["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, "metrics.DOSSIER_SYNC.numerator: ") {
					t.Fatalf("error does not name the field: %q", msg)
				}
				a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/scorecard/what-if", token, `not json`)
				a.fails(http.StatusUnauthorized, "unauthorized", "POST", "/api/v1/scorecard/what-if", "", ref)
				if status, out := a.do("POST", "/api/v1/scorecard/what-if", token, `{}`); status != 200 || fmt.Sprint(out["total"]) != "map[max:0 score:0]" {
					t.Fatalf("empty input: %d %v", status, out)
				}
				_, doc := a.do("GET", "/api/v1/openapi.json", "", "")
				if _, listed := doc["paths"].(map[string]any)["/api/v1/scorecard/what-if"]; !listed {
					t.Fatal("the OpenAPI document does not list POST /api/v1/scorecard/what-if")
				}
			})
		})
	}
}
