package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/scorecard"
	"dunghan/internal/store"
)

// scoreStore is what the scorecard and report pages need of the store.
type scoreStore interface {
	Scorecard(ctx context.Context, q store.Scope, cal *calendar.Calendar) (store.ScoreReport, error)
	Bieu06(ctx context.Context, q store.Scope, cal *calendar.Calendar) ([]store.Bieu06Row, error)
	StepTallies(ctx context.Context, q store.Scope) ([]store.StepTally, error)
	LateDossiers(ctx context.Context, q store.Scope, cal *calendar.Calendar) ([]store.LateDossier, error)
}

// whatIfPath is the JSON what-if calculator.
const whatIfPath = "/api/v1/scorecard/what-if"

// scoreRoutes registers the scorecard, what-if and report pages.
func (s *Server) scoreRoutes() {
	s.mux.HandleFunc("GET /diem-766", s.staff(s.scorecardPage))
	s.mux.HandleFunc("GET /diem-766/gia-dinh", s.staff(s.whatIfPage))
	s.mux.HandleFunc("POST /diem-766/gia-dinh", s.staff(s.whatIfPost))
	s.mux.HandleFunc("GET /bao-cao/bieu-06", s.staff(s.bieu06Page))
	s.mux.HandleFunc("GET /bao-cao/bieu-06.xlsx", s.staff(s.bieu06XLSX))
	s.mux.HandleFunc("GET /bao-cao/cham-tre", s.staff(s.delayPage))
	// The JSON what-if is registered through the API table (scoreAPIRoutes).
}

// scoreAPIRoutes are the scorecard's JSON endpoints, for the API table.
func (s *Server) scoreAPIRoutes() []apiRoute {
	return []apiRoute{{method: "POST", path: whatIfPath,
		summary: "Tính điểm Bộ chỉ số 766 giả định từ các tham số của Cổng DVC quốc gia (mọi nhóm, mọi chỉ số đều không bắt buộc)",
		request: scorecard.Input{}, response: scorecard.Output{}, auth: true, handler: s.apiWhatIf}}
}

// groupView is one group of the index as a page shows it.
type groupView struct {
	Code, Label string
	Max         int
	Known       bool     // scored from data
	Score       *float64 // nil when not known
	Ratio       float64
	Lost        float64  // points lost on the metrics that are known
	Unknown     int      // points of the group's metrics that are not known
	Basis       []string // how the figures were counted
	Metrics     []metricView
	Bar         template.HTML
}

// metricView is one metric of a summed group.
type metricView struct {
	Code, Label string
	Max         int
	Known       bool
	Info        bool // shown for information only
	Score       *float64
	Ratio       float64
	Lost        float64
	Basis       string
}

// groupViews lays out an output group by group, in the set's order;
// basis explains a group's or a metric's figures ("" when none). A metric
// the output has is known even without a score (no data on the portal
// scores 0); one it lacks is unknown, and so are its points.
func groupViews(set scorecard.Set, out scorecard.Output, basis func(code string) []string) []groupView {
	var gs []groupView
	for _, g := range set.Groups {
		gv := groupView{Code: g.Code, Label: g.Label, Max: g.Max, Basis: basis(g.Code)}
		sc, known := out.Groups[g.Code]
		if known {
			gv.Known, gv.Score, gv.Ratio = true, sc.Score, sc.Ratio
		}
		metrics := set.MetricsOf(g.Code)
		for _, m := range metrics {
			mv := metricView{Code: m.Code, Label: m.Label, Max: m.Max, Info: m.Rule == scorecard.Info}
			if ms, ok := out.Metrics[m.Code]; ok {
				mv.Known, mv.Score, mv.Ratio = true, ms.Score, ms.Ratio
				mv.Lost = round2(float64(m.Max) - ms.Points())
				gv.Lost += mv.Lost
			} else {
				gv.Unknown += m.Max
			}
			if b := basis(m.Code); len(b) > 0 {
				mv.Basis = b[0]
			}
			gv.Metrics = append(gv.Metrics, mv)
		}
		switch {
		case !known:
			gv.Lost, gv.Unknown = 0, g.Max
		case len(metrics) == 0:
			gv.Lost = sc.Lost()
		default:
			gv.Lost = round2(gv.Lost)
		}
		gv.Bar = scoreBar(gv)
		gs = append(gs, gv)
	}
	return gs
}

// totalLost sums the known and the unknown points of the groups that are known.
func totalLost(gs []groupView) (lost float64, unknown int) {
	for _, g := range gs {
		if g.Known {
			lost += g.Lost
			unknown += g.Unknown
		}
	}
	return round2(lost), unknown
}

// scoreBar draws a group's points: scored in green, lost in red, unknown
// in grey, on a scale where the largest group (22 points) fills the width.
func scoreBar(g groupView) template.HTML {
	const w, h, scale = 220.0, 14.0, 22.0
	unit := w / scale
	title := fmt.Sprintf("%s: %s/%d điểm", g.Label, vnPoints(g.Score), g.Max)
	if g.Known {
		title += ", mất " + vnNumber(g.Lost)
	}
	if g.Unknown > 0 {
		title += fmt.Sprintf(", %d điểm chưa xác định", g.Unknown)
	}
	t := template.HTMLEscapeString(title)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="score-bar" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s"><title>%s</title>`, w, h, t, t)
	x := 0.0
	for _, seg := range []struct {
		v     float64
		color string
	}{{g.scored(), colorOnTrack}, {g.Lost, colorLate}, {float64(g.Unknown), colorEmpty}} {
		if seg.v > 0 {
			fmt.Fprintf(&b, `<rect x="%.2f" width="%.2f" height="%.0f" fill="%s"/>`, x, seg.v*unit, h, seg.color)
			x += seg.v * unit
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// scored is the group's points, 0 when unknown.
func (g groupView) scored() float64 {
	if g.Score == nil {
		return 0
	}
	return *g.Score
}

// costlyView is a dossier that costs points, as the scorecard lists it.
type costlyView struct {
	store.Costly
	Procedure string
	Reasons   []string
}

// projectionView is where an ongoing period is heading.
type projectionView struct {
	scorecard.Outlook
	ExpectedLate int64
	Best, Pace   scorecard.Output
	To           time.Time // the period's end (exclusive)
}

// scorePage is the data of scorecard.html.
type scorePage struct {
	Period      period
	Scope       reportScope
	ScopeQuery  string
	Now, End    time.Time
	Version     string
	Facts       scorecard.Facts
	Out         scorecard.Output
	Groups      []groupView
	UnknownMax  int     // points of the groups this system cannot score yet
	Lost        float64 // points lost on what is known
	LostUnknown int     // points of unknown metrics inside the groups scored
	Costly      []costlyView
	CostlyCount int
	PerLate     float64 // points one late dossier costs
	PerComplain float64 // points one complaint about an on-time dossier costs
	Projection  *projectionView
	WhatIf      string // the inputs as JSON, for the what-if page
}

// scorecardPage is the live Decision 766 scorecard (GET /diem-766) of the
// agency or a unit over a period, from the counters and the projection.
func (s *Server) scorecardPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	scope, ok := s.reportScope(w, r, u, "Trang điểm Bộ chỉ số 766")
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.deps.Now()
	p := &scorePage{Period: parsePeriod(r.URL.Query(), now), Scope: scope, Now: now, Version: scorecard.Current.Version}
	p.ScopeQuery = scope.Query(p.Period)
	q := scope.storeScope(u.AgencyID, p.Period, now)
	q.PortalSync = s.deps.Portal != nil
	rep, err := s.deps.Store.Scorecard(ctx, q, s.deps.Calendar)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.directory(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.End, p.Facts = rep.End, rep.Facts
	set := scorecard.Current
	in := rep.Facts.Input()
	p.Out = scorecard.Compute(set, in)
	p.Groups = groupViews(set, p.Out, factBasis(rep.Facts, rep.End))
	for _, g := range p.Groups {
		if !g.Known {
			p.UnknownMax += g.Max
		}
	}
	p.Lost, p.LostUnknown = totalLost(p.Groups)
	p.PerLate, p.PerComplain = marginal(set, rep.Facts)
	if b, err := json.MarshalIndent(in, "", "  "); err == nil {
		p.WhatIf = string(b)
	}
	if rep.Outlook != nil {
		pr := rep.Facts.Project(*rep.Outlook)
		p.Projection = &projectionView{Outlook: *rep.Outlook, ExpectedLate: pr.ExpectedLate, To: p.Period.To,
			Best: scorecard.Compute(set, pr.Best.Input()), Pace: scorecard.Compute(set, pr.Pace.Input())}
	}
	procNames := map[string]string{}
	procs, err := s.deps.Store.Procedures(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range procs {
		procNames[x.ID] = x.Name
	}
	p.CostlyCount = rep.CostlyCount
	for _, c := range rep.Costly {
		p.Costly = append(p.Costly, costlyView{Costly: c, Procedure: procNames[c.ProcedureID], Reasons: costReasons(c, dir)})
	}
	data := page("Điểm Bộ chỉ số 766", &u)
	data["P"] = p
	s.render(w, r, http.StatusOK, "scorecard.html", data)
}

// marginal is what one more late dossier, and one more complaint about
// an on-time dossier, take off the total now.
func marginal(set scorecard.Set, f scorecard.Facts) (perLate, perComplaint float64) {
	total := func(f scorecard.Facts) float64 { return scorecard.Compute(set, f.Input()).Total.Score }
	now := total(f)
	if f.OnTime > 0 {
		g := f
		g.OnTime--
		g.OnTimeUncomplained = min(g.OnTimeUncomplained, g.OnTime)
		perLate = now - total(g)
	}
	if f.OnTimeUncomplained > 0 {
		g := f
		g.OnTimeUncomplained--
		perComplaint = now - total(g)
	}
	return round2(perLate), round2(perComplaint)
}

// round2 rounds a difference of two-decimal scores back to two decimals.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// factBasis explains each computed figure in words.
func factBasis(f scorecard.Facts, end time.Time) func(string) []string {
	judged := end.In(calendar.Zone).Format("15:04 02/01/2006")
	return func(code string) []string {
		switch code {
		case scorecard.Progress:
			return []string{
				fmt.Sprintf("%d/%d hồ sơ tiếp nhận trong kỳ đúng hạn theo quy tắc của Cổng DVC quốc gia.", f.OnTime, f.Received),
				"Hồ sơ chưa giải quyết xong được xét tại " + judged + "; thời gian chờ bổ sung, chờ thực hiện nghĩa vụ tài chính được trừ; hồ sơ yêu cầu bổ sung lần thứ hai tính là quá hạn; so với ngày hẹn trả khi tiếp nhận.",
			}
		case "DOSSIER_RECEIVING_SATISFACTION":
			return []string{fmt.Sprintf("%d/%d hồ sơ không quá hạn và không bị người dân đánh giá «không hài lòng»; từ 90%% trở lên đạt điểm tối đa.", f.OnTimeUncomplained, f.Received)}
		case "ORIGINAL_RESULT_AVAILABLE":
			return []string{fmt.Sprintf("%d/%d hồ sơ giải quyết xong trong kỳ có kết quả điện tử.", f.EResults, f.Results)}
		case "SO_HOA_GIAY_TO_GIAI_QUYET":
			return []string{fmt.Sprintf("%d/%d hồ sơ giải quyết xong trong kỳ được số hóa toàn bộ thành phần và có kết quả điện tử.", f.Digitised, f.Results)}
		case "DOSSIER_SYNC":
			if !f.SyncKnown {
				return []string{"Chưa kết nối đồng bộ với Cổng DVC quốc gia (DUNGHAN_PORTAL_URL) nên chưa xác định được."}
			}
			return []string{fmt.Sprintf("%d/%d hồ sơ tiếp nhận trong kỳ đã đồng bộ phiên bản mới nhất lên Cổng DVC quốc gia; xem chi tiết và đối soát tại trang Đồng bộ DVCQG.", f.Synced, f.Received)}
		case scorecard.Online:
			return []string{
				fmt.Sprintf("TTHC cung cấp trực tuyến: %d/%d (một phần %d, toàn trình %d).", f.ProceduresPartial+f.ProceduresFull, f.Procedures, f.ProceduresPartial, f.ProceduresFull),
				fmt.Sprintf("Hồ sơ nộp trực tuyến của các TTHC trực tuyến: %d/%d.", f.OfferedReceivedOnline, f.OfferedReceived),
				fmt.Sprintf("Hồ sơ nộp trực tuyến trên tổng số hồ sơ: %d/%d.", f.ReceivedOnline, f.Received),
			}
		case scorecard.Payment:
			return []string{
				fmt.Sprintf("Hồ sơ thanh toán trực tuyến: %d/%d hồ sơ có nghĩa vụ tài chính (kết thúc trong kỳ).", f.PaidOnline, f.FeeDossiers),
				fmt.Sprintf("TTHC có phí, lệ phí: %d; có phát sinh hồ sơ: %d; có thanh toán trực tuyến: %d.", f.FeeProcedures, f.FeeProceduresWithDossiers, f.FeeProceduresPaidOnline),
			}
		}
		return nil
	}
}

// costReasons says, in Vietnamese, why a dossier costs points.
func costReasons(c store.Costly, dir *directory) []string {
	var out []string
	if c.Complained {
		out = append(out, "Đúng hạn nhưng người dân đánh giá «không hài lòng» (trừ điểm hài lòng).")
	}
	if c.SecondSupplement {
		who := ""
		if c.SecondBy != "" {
			who = " (" + c.SecondBy + " cho phép)"
		}
		out = append(out, "Yêu cầu bổ sung hồ sơ lần thứ hai"+who+": Cổng tính là quá hạn.")
	}
	for _, v := range c.LateSteps {
		out = append(out, stepReason(v, dir))
	}
	if len(out) == 0 {
		out = append(out, "Tổng thời gian giải quyết (đã trừ thời gian chờ bổ sung) vượt ngày hẹn trả khi tiếp nhận; không bước nào vượt thời gian quy định.")
	}
	return out
}

// stepReason names a step that overran: its number and role, the officer and unit, by how much.
func stepReason(v dossier.StepView, dir *directory) string {
	role := v.Role.Label()
	if v.External {
		role = "Cơ quan phối hợp ngoài Sở"
	}
	who := dir.UserName(v.Assignee)
	if who == "" {
		who = "chưa giao cán bộ"
	}
	state := "vượt"
	if v.End.IsZero() {
		state = "đang vượt"
	}
	return fmt.Sprintf("Bước %d (%s) — %s, %s: %s %s so với thời gian quy định.", v.Step+1, role, who, dir.UnitName(v.Unit), state, workTime(v.OverrunMinutes))
}

// Link is a report page for the same period and scope.
func (p *scorePage) Link(path string) string { return path + "?" + p.ScopeQuery }
