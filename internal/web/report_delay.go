package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"dunghan/internal/auth"
	"dunghan/internal/report"
	"dunghan/internal/store"
)

// delayRow is one division or officer of the delay report.
type delayRow struct {
	ID, Name, Note string
	store.StepTally
	LateDossiers int    // dossiers resolved late in the period with a late step here
	Link         string // the worklist of this division or officer
}

// Untimed is the steps without a time budget.
func (r delayRow) Untimed() int { return r.Steps - r.Early - r.OnTime - r.Late }

// lateView is a dossier made late, with the steps that overran.
type lateView struct {
	store.LateDossier
	Procedure string
	Steps     []string
}

// delayPage is the data of report_delay.html.
type delayPage struct {
	Period     period
	Scope      reportScope
	ScopeQuery string
	Divisions  []*delayRow
	Officers   []*delayRow
	Total      delayRow
	Late       []lateView
}

// Link is another report for the same period and scope.
func (p *delayPage) Link(path string) string { return path + "?" + p.ScopeQuery }

// delayPage is the delay attribution report (GET /bao-cao/cham-tre): per
// division and per officer, the steps finished in the period, early, on
// time or late against their budgets, the working time over budget, and
// the dossiers resolved late with the steps that made them late.
func (s *Server) delayPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	scope, ok := s.reportScope(w, r, u, "Báo cáo chậm trễ")
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.deps.Now()
	p := &delayPage{Period: parsePeriod(r.URL.Query(), now), Scope: scope}
	p.ScopeQuery = scope.Query(p.Period)
	q := scope.storeScope(u.AgencyID, p.Period, now)
	tallies, err := s.deps.Store.StepTallies(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	late, err := s.deps.Store.LateDossiers(ctx, q, s.deps.Calendar)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.directory(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	procs, err := s.deps.Store.Procedures(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	procName := map[string]string{}
	for _, x := range procs {
		procName[x.ID] = x.Name
	}
	divisions, officers := map[string]*delayRow{}, map[string]*delayRow{}
	division := func(unit string) *delayRow {
		if d := divisions[unit]; d != nil {
			return d
		}
		d := &delayRow{ID: unit, Name: scope.UnitName(unit), Link: "/?don-vi=" + url.QueryEscape(unit)}
		divisions[unit] = d
		return d
	}
	officer := func(unit, assignee string) *delayRow {
		key := assignee
		if key == "" {
			key = "unit:" + unit
		}
		if o := officers[key]; o != nil {
			return o
		}
		o := &delayRow{ID: assignee, Name: dir.UserName(assignee)}
		if assignee == "" || o.Name == "" {
			o.Name, o.Note = "Chưa giao cán bộ", scope.UnitName(unit)
		} else {
			o.Note = dir.UnitName(dir.userByID[assignee].UnitID)
			o.Link = "/?can-bo=" + url.QueryEscape(assignee)
		}
		officers[key] = o
		return o
	}
	for _, t := range tallies {
		division(t.Unit).Add(t)
		officer(t.Unit, t.Assignee).Add(t)
		p.Total.Add(t)
	}
	for _, d := range late {
		v := lateView{LateDossier: d, Procedure: procName[d.ProcedureID]}
		seenUnit, seenOfficer := map[string]bool{}, map[*delayRow]bool{}
		for _, st := range d.LateSteps {
			if scope.Unit != "" && st.Unit != scope.Unit {
				continue
			}
			v.Steps = append(v.Steps, stepReason(st, dir))
			if !seenUnit[st.Unit] {
				seenUnit[st.Unit] = true
				division(st.Unit).LateDossiers++
			}
			if o := officer(st.Unit, st.Assignee); !seenOfficer[o] {
				seenOfficer[o] = true
				o.LateDossiers++
			}
		}
		if len(v.Steps) == 0 {
			v.Steps = []string{"Không bước nào vượt thời gian quy định; tổng thời gian vượt hạn giải quyết (ví dụ do chuyển bước sau 15 giờ hoặc chờ giữa các bước)."}
		}
		p.Late = append(p.Late, v)
	}
	p.Total.LateDossiers = len(p.Late)
	for _, d := range divisions {
		p.Divisions = append(p.Divisions, d)
	}
	for _, o := range officers {
		p.Officers = append(p.Officers, o)
	}
	worst := func(a, b *delayRow) int {
		return cmp.Or(b.Late-a.Late, b.OverrunMinutes-a.OverrunMinutes, b.LateDossiers-a.LateDossiers, b.Steps-a.Steps, report.Collate(a.Name, b.Name))
	}
	slices.SortFunc(p.Divisions, worst)
	slices.SortFunc(p.Officers, worst)
	data := page("Báo cáo chậm trễ", &u)
	data["P"] = p
	s.render(w, r, http.StatusOK, "report_delay.html", data)
}
