package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dunghan/internal/demo"
	"dunghan/internal/store/storetest"
)

// BenchmarkScorecardPages renders the live scorecard, Biểu 06 (page and
// workbook) and the delay report for a year of demo dossiers, end to end
// over HTTP, as the agency's leader.
func BenchmarkScorecardPages(b *testing.B) {
	for _, engine := range storetest.Engines() {
		d := newDemoSite(b, engine)
		c := browserClient()
		resp, err := c.PostForm(d.base+"/dang-nhap", url.Values{"username": {"giamdoc"}, "password": {demo.Password}, "tiep": {"/"}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("log-in: %v %v", resp, err)
		}
		resp.Body.Close()
		for _, page := range []struct{ name, path string }{
			{"scorecard-year", "/diem-766?ky=nam&nam=2026"},
			{"scorecard-month", "/diem-766?ky=thang&nam=2026&thang=11"},
			{"scorecard-past-quarter", "/diem-766?ky=quy&nam=2026&quy=2"},
			{"bieu06-year", "/bao-cao/bieu-06?ky=nam&nam=2026"},
			{"bieu06-year-xlsx", "/bao-cao/bieu-06.xlsx?ky=nam&nam=2026"},
			{"delay-year", "/bao-cao/cham-tre?ky=nam&nam=2026"},
		} {
			b.Run(string(engine)+"/"+page.name, func(b *testing.B) {
				for b.Loop() {
					resp, err := c.Get(d.base + page.path)
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || strings.Contains(page.path, "diem") && !strings.Contains(string(body), "tong-diem") {
						b.Fatalf("%s: %d", page.path, resp.StatusCode)
					}
				}
			})
		}
	}
}
