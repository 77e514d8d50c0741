package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/store"
)

// overviewRow is one division or one officer on the overview.
type overviewRow struct {
	ID   string // unit or user ID; "" for dossiers nobody is assigned to
	Name string
	Note string // an officer's unit
	Link string // the worklist filtered on this row; "" for none
	store.Load
	Bar template.HTML
}

func (r *overviewRow) add(l store.Load) {
	r.Overdue += l.Overdue
	r.DueWithin1 += l.DueWithin1
	r.DueWithin3 += l.DueWithin3
	r.OnTrack += l.OnTrack
	r.Paused += l.Paused
	r.Total += l.Total
}

// segments are the row's urgency bands, most urgent first.
func (r *overviewRow) segments() []chartSegment {
	return []chartSegment{
		{"Quá hạn", r.Overdue, colorOverdue},
		{"Còn ≤ 1 ngày làm việc", r.DueWithin1, colorDue1},
		{"Còn 1–3 ngày làm việc", r.DueWithin3, colorDue3},
		{"Trong hạn", r.OnTrack, colorOnTrack},
		{"Tạm dừng", r.Paused, colorPaused},
	}
}

// byUrgency orders rows worst first: overdue, then due soonest, then load.
func byUrgency(a, b *overviewRow) int {
	return cmp.Or(b.Overdue-a.Overdue, b.DueWithin1-a.DueWithin1, b.DueWithin3-a.DueWithin3, b.Total-a.Total, cmp.Compare(a.Name, b.Name))
}

// overviewPage is the data of overview.html.
type overviewPage struct {
	Scope            string // "" agency-wide, else the division's name
	Now              time.Time
	Within1, Within3 time.Time
	Divisions        []*overviewRow
	Officers         []*overviewRow
	Total            overviewRow
	Month            string // "03/2025"
	MonthTotals      store.Totals
	Resolved         int
	OnTimeRate       string
	Donut            template.HTML
	MonthSegments    []chartSegment
	Legend           []chartSegment
}

// overview is the leadership overview (GET /tong-quan): the open dossiers
// by division and by officer, by urgency, and the month's early, on-time
// and late results. Leadership sees the agency; a division head, their
// division. It reads the projection and the counters, never the events.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, u auth.User) {
	scope := ""
	switch {
	case u.Has(auth.Leadership):
	case u.Has(auth.DivisionHead):
		scope = u.UnitID
	default:
		s.fail(w, r, apperr.New(apperr.Forbidden, "Trang tổng quan chỉ dành cho lãnh đạo Sở và lãnh đạo phòng."))
		return
	}
	ctx := r.Context()
	st, cal := s.deps.Store, s.deps.Calendar
	now := s.deps.Now()
	day := cal.MinutesPerDay()
	p := &overviewPage{Now: now, Within1: cal.AddWorkingMinutes(now, day), Within3: cal.AddWorkingMinutes(now, 3*day)}
	loads, err := st.OpenLoad(ctx, u.AgencyID, scope, now, p.Within1, p.Within3)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := st.Units(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := st.UserAccounts(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unitName := map[string]string{}
	for _, x := range units {
		unitName[x.ID] = x.Name
	}
	userByID := map[string]auth.User{}
	for _, x := range users {
		userByID[x.ID] = x
	}
	if scope != "" {
		p.Scope = cmp.Or(unitName[scope], "đơn vị của ông/bà")
	}

	divisions := map[string]*overviewRow{}
	division := func(id string) *overviewRow {
		if d := divisions[id]; d != nil {
			return d
		}
		d := &overviewRow{ID: id, Name: cmp.Or(unitName[id], "Đơn vị không xác định"), Link: "/?don-vi=" + url.QueryEscape(id)}
		divisions[id] = d
		return d
	}
	// Every division is listed, with or without open dossiers.
	for _, x := range units {
		if x.Kind == agency.KindDivision && (scope == "" || x.ID == scope) {
			division(x.ID)
		}
	}
	if scope != "" {
		division(scope)
	}
	officers := map[string]*overviewRow{}
	for _, l := range loads {
		division(l.Unit).add(l)
		p.Total.add(l)
		o := officers[l.Assignee]
		if o == nil {
			o = &overviewRow{ID: l.Assignee, Name: "Chưa giao cho cán bộ nào"}
			if l.Assignee != "" {
				who := userByID[l.Assignee]
				o.Name, o.Note = cmp.Or(who.FullName, "Cán bộ không xác định"), unitName[who.UnitID]
				o.Link = "/?can-bo=" + url.QueryEscape(l.Assignee)
			}
			officers[l.Assignee] = o
		}
		o.add(l)
	}
	for _, d := range divisions {
		p.Divisions = append(p.Divisions, d)
	}
	for _, o := range officers {
		p.Officers = append(p.Officers, o)
	}
	slices.SortFunc(p.Divisions, byUrgency)
	slices.SortFunc(p.Officers, func(a, b *overviewRow) int {
		if (a.ID == "") != (b.ID == "") { // the unassigned last
			return cmp.Compare(len(b.ID), len(a.ID))
		}
		return byUrgency(a, b)
	})
	scale := 0
	for _, d := range p.Divisions {
		scale = max(scale, d.Total)
	}
	for _, d := range p.Divisions {
		d.Bar = stackedBar(d.Name, d.segments(), scale)
	}
	p.Legend = p.Total.segments()

	// The month so far, from the per-day counters (Asia/Ho_Chi_Minh).
	local := now.In(calendar.Zone)
	from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, calendar.Zone)
	p.Month = from.Format("01/2006")
	if p.MonthTotals, err = st.Counters(ctx, u.AgencyID, from, from.AddDate(0, 1, 0)); err != nil {
		s.fail(w, r, err)
		return
	}
	m := p.MonthTotals
	p.Resolved = m.ResolvedEarly + m.ResolvedOnTime + m.ResolvedLate
	p.OnTimeRate = percentVN(m.ResolvedEarly+m.ResolvedOnTime, p.Resolved)
	p.MonthSegments = []chartSegment{
		{"Trước hạn", m.ResolvedEarly, colorEarly},
		{"Đúng hạn", m.ResolvedOnTime, colorOnTime},
		{"Quá hạn", m.ResolvedLate, colorLate},
	}
	p.Donut = donut("Kết quả giải quyết tháng "+p.Month, "hồ sơ", p.MonthSegments)

	data := page("Tổng quan", &u)
	data["P"] = p
	s.render(w, r, http.StatusOK, "overview.html", data)
}

// Cell shows a count linked to the row's filtered worklist (plain when 0
// or when the row has no worklist).
func (r *overviewRow) Cell(n int) template.HTML {
	switch {
	case n == 0:
		return `<span class="ov-zero">0</span>`
	case r.Link == "":
		return template.HTML(strconv.Itoa(n))
	}
	return template.HTML(`<a href="` + template.HTMLEscapeString(r.Link) + `">` + strconv.Itoa(n) + `</a>`)
}
