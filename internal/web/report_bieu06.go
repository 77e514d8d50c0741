package web

import (
	"bytes"
	"net/http"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/report"
)

// bieu06Page is the data of report_bieu06.html.
type bieu06Page struct {
	Period     period
	Scope      reportScope
	ScopeQuery string
	Report     report.Bieu06
	Columns    [11]string
}

// Link is another report for the same period and scope.
func (p *bieu06Page) Link(path string) string { return path + "?" + p.ScopeQuery }

// bieu06 builds the report of a scope and period: the store's rows per
// procedure, named and grouped by field from the catalogue.
func (s *Server) bieu06(r *http.Request, u auth.User, scope reportScope, p period) (report.Bieu06, error) {
	ctx := r.Context()
	now := s.deps.Now()
	q := scope.storeScope(u.AgencyID, p, now)
	rows, err := s.deps.Store.Bieu06(ctx, q, s.deps.Calendar)
	if err != nil {
		return report.Bieu06{}, err
	}
	procs, err := s.deps.Store.Procedures(ctx, u.AgencyID)
	if err != nil {
		return report.Bieu06{}, err
	}
	b := report.Bieu06{Agency: scope.Agency.Name, Period: p.Label, From: p.From, Last: p.Last(), Judged: q.End(), Made: now}
	if scope.Unit != "" {
		b.Unit = scope.Name
	}
	byID := make(map[string]int, len(procs))
	for i, x := range procs {
		byID[x.ID] = i
	}
	lines := make([]report.Line, 0, len(rows))
	for _, row := range rows {
		l := report.Line{Procedure: "Thủ tục không còn trong danh mục", Counts: report.Counts{Online: row.ReceivedOnline, Paper: row.Paper(),
			Carried: row.Carried, Early: row.Early, OnTime: row.OnTime, Late: row.Late, Within: row.Within, Overdue: row.Overdue}}
		if i, ok := byID[row.ProcedureID]; ok {
			l.Field, l.Procedure, l.Code = procs[i].Field, procs[i].Name, procs[i].Code
		}
		lines = append(lines, l)
	}
	b.Group(lines)
	return b, nil
}

// bieu06Page is the periodic report "Biểu số 06/VPCP/KSTT" (GET /bao-cao/bieu-06).
func (s *Server) bieu06Page(w http.ResponseWriter, r *http.Request, u auth.User) {
	scope, ok := s.reportScope(w, r, u, "Báo cáo Biểu 06")
	if !ok {
		return
	}
	p := &bieu06Page{Period: parsePeriod(r.URL.Query(), s.deps.Now()), Scope: scope, Columns: report.Columns}
	p.ScopeQuery = scope.Query(p.Period)
	var err error
	if p.Report, err = s.bieu06(r, u, scope, p.Period); err != nil {
		s.fail(w, r, err)
		return
	}
	data := page("Báo cáo Biểu 06", &u)
	data["P"] = p
	s.render(w, r, http.StatusOK, "report_bieu06.html", data)
}

// bieu06XLSX downloads the same report as an .xlsx workbook (GET /bao-cao/bieu-06.xlsx).
func (s *Server) bieu06XLSX(w http.ResponseWriter, r *http.Request, u auth.User) {
	scope, ok := s.reportScope(w, r, u, "Báo cáo Biểu 06")
	if !ok {
		return
	}
	p := parsePeriod(r.URL.Query(), s.deps.Now())
	b, err := s.bieu06(r, u, scope, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, b); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "bieu-06_" + p.From.Format(time.DateOnly) + "_" + p.Last().Format(time.DateOnly) + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	buf.WriteTo(w)
}

func init() {
	for name, fn := range map[string]any{
		"roman": report.Roman,
		"inc":   func(i int) int { return i + 1 },
		"col":   func(i int) int { return i + 3 },
	} {
		if _, dup := funcs[name]; dup {
			panic("web: template function " + name + " defined twice")
		}
		funcs[name] = fn
	}
}
