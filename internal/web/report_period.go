package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/store"
)

// Period kinds, as the query parameter "ky" names them.
const (
	kindMonth   = "thang"
	kindQuarter = "quy"
	kindYear    = "nam"
	kindCustom  = "tuy-chon"
)

// period is the span a scorecard or report covers, as chosen in its form:
// a month, a quarter, a year, or custom dates (inclusive), in Vietnam time.
type period struct {
	Kind                  string
	Year, Month, Quarter  int
	FromText, ToText      string    // custom dates as typed
	From, To              time.Time // [From, To), Vietnam midnights
	Label                 string    // "tháng 11/2026", "quý IV/2026", "năm 2026", "từ 17/03/2026 đến 30/04/2026"
	Error                 string    // why the chosen period was not understood; a default is used
	Years, Months, Quarts []int     // the options of the form
}

// maxCustomSpan bounds a custom period.
const maxCustomSpan = 5 * 366 * 24 * time.Hour

var romanQuarters = []string{"", "I", "II", "III", "IV"}

// parsePeriod reads the period of a query; missing or bad parts fall back
// to the month of now.
func parsePeriod(q url.Values, now time.Time) period {
	local := now.In(calendar.Zone)
	p := period{Kind: cmp.Or(q.Get("ky"), kindMonth), Year: local.Year(), Month: int(local.Month()), Quarter: (int(local.Month())-1)/3 + 1,
		FromText: strings.TrimSpace(q.Get("tu")), ToText: strings.TrimSpace(q.Get("den"))}
	for y := local.Year() - 5; y <= local.Year()+1; y++ {
		p.Years = append(p.Years, y)
	}
	p.Months = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	p.Quarts = []int{1, 2, 3, 4}
	number := func(name string, lo, hi int, into *int) {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				p.Error = "Kỳ báo cáo không hợp lệ; đang hiển thị tháng hiện tại."
				return
			}
			*into = n
		}
	}
	number("nam", 2000, 2100, &p.Year)
	number("thang", 1, 12, &p.Month)
	number("quy", 1, 4, &p.Quarter)
	if p.Error != "" {
		p.Kind, p.Year, p.Month = kindMonth, local.Year(), int(local.Month())
	}
	switch p.Kind {
	case kindMonth:
		p.From = time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, calendar.Zone)
		p.To = p.From.AddDate(0, 1, 0)
		p.Label = fmt.Sprintf("tháng %02d/%d", p.Month, p.Year)
	case kindQuarter:
		p.From = time.Date(p.Year, time.Month(3*p.Quarter-2), 1, 0, 0, 0, 0, calendar.Zone)
		p.To = p.From.AddDate(0, 3, 0)
		p.Label = fmt.Sprintf("quý %s/%d", romanQuarters[p.Quarter], p.Year)
	case kindYear:
		p.From = time.Date(p.Year, 1, 1, 0, 0, 0, 0, calendar.Zone)
		p.To = p.From.AddDate(1, 0, 0)
		p.Label = fmt.Sprintf("năm %d", p.Year)
	case kindCustom:
		from, err1 := calendar.ParseDate(p.FromText)
		to, err2 := calendar.ParseDate(p.ToText)
		switch {
		case err1 != nil || err2 != nil:
			p.Error = "Ngày của kỳ tùy chọn phải viết dạng ngày/tháng/năm, ví dụ 01/03/2026."
		case to.Time().Before(from.Time()):
			p.Error = "Ngày kết thúc của kỳ phải từ ngày bắt đầu trở đi."
		case to.Time().Sub(from.Time()) > maxCustomSpan:
			p.Error = "Kỳ tùy chọn dài tối đa 5 năm."
		}
		if p.Error != "" {
			return p.fallback(now)
		}
		p.From, p.To = from.Time(), to.Time().AddDate(0, 0, 1)
		p.Label = "từ " + p.From.Format("02/01/2006") + " đến " + to.Time().Format("02/01/2006")
	default:
		p.Error = "Loại kỳ báo cáo không hợp lệ; đang hiển thị tháng hiện tại."
		return p.fallback(now)
	}
	return p
}

// fallback is the month of now, with p's error and typed dates.
func (p period) fallback(now time.Time) period {
	d := parsePeriod(url.Values{}, now)
	d.Error, d.FromText, d.ToText = p.Error, p.FromText, p.ToText
	return d
}

// Query is the period as query parameters, for links to other reports.
func (p period) Query() url.Values {
	v := url.Values{"ky": {p.Kind}}
	switch p.Kind {
	case kindMonth:
		v.Set("nam", strconv.Itoa(p.Year))
		v.Set("thang", strconv.Itoa(p.Month))
	case kindQuarter:
		v.Set("nam", strconv.Itoa(p.Year))
		v.Set("quy", strconv.Itoa(p.Quarter))
	case kindYear:
		v.Set("nam", strconv.Itoa(p.Year))
	case kindCustom:
		v.Set("tu", p.From.Format("02/01/2006"))
		v.Set("den", p.To.AddDate(0, 0, -1).Format("02/01/2006"))
	}
	return v
}

// Last is the last day of the period.
func (p period) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// RomanQuarter names quarter n in Roman numerals.
func (p period) RomanQuarter(n int) string { return romanQuarters[n] }

// reportScope is whose figures a scorecard or report shows.
type reportScope struct {
	Unit     string // "" for the whole agency
	Name     string // "Toàn cơ quan" or the unit's name
	Agency   agency.Agency
	Units    []agency.Unit // the units Leadership may choose from; nil for a division head
	Fixed    bool          // a division head sees their own unit only
	unitByID map[string]agency.Unit
}

// UnitName names a unit of the agency.
func (rs reportScope) UnitName(id string) string {
	if u, ok := rs.unitByID[id]; ok {
		return u.Name
	}
	if id == "" {
		return "—"
	}
	return "Đơn vị không còn trong danh mục"
}

// reportScope decides whose figures u may see: Leadership the agency or
// any unit it picks ("don-vi"), a division head their unit; anyone else
// gets a 403 page and ok false.
func (s *Server) reportScope(w http.ResponseWriter, r *http.Request, u auth.User, what string) (reportScope, bool) {
	rs := reportScope{Name: "Toàn cơ quan", unitByID: map[string]agency.Unit{}}
	leader, head := u.Has(auth.Leadership), u.Has(auth.DivisionHead)
	if !leader && !head {
		s.fail(w, r, apperr.New(apperr.Forbidden, what+" chỉ dành cho lãnh đạo Sở và lãnh đạo phòng."))
		return rs, false
	}
	ctx := r.Context()
	units, err := s.deps.Store.Units(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return rs, false
	}
	agencies, err := s.deps.Store.Agencies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return rs, false
	}
	for _, a := range agencies {
		if a.ID == u.AgencyID {
			rs.Agency = a
		}
	}
	for _, x := range units {
		rs.unitByID[x.ID] = x
	}
	if leader {
		rs.Units = units
		rs.Unit = r.URL.Query().Get("don-vi")
		if _, ok := rs.unitByID[rs.Unit]; rs.Unit != "" && !ok {
			rs.Unit = ""
		}
	} else {
		rs.Unit, rs.Fixed = u.UnitID, true
	}
	if rs.Unit != "" {
		rs.Name = rs.UnitName(rs.Unit)
	}
	return rs, true
}

// storeScope is the store's scope of a report.
func (rs reportScope) storeScope(agencyID string, p period, now time.Time) store.Scope {
	return store.Scope{AgencyID: agencyID, Unit: rs.Unit, From: p.From, To: p.To, Now: now}
}

// Query is the scope as query parameters.
func (rs reportScope) Query(p period) string {
	v := p.Query()
	if rs.Unit != "" && !rs.Fixed {
		v.Set("don-vi", rs.Unit)
	}
	return v.Encode()
}

// vnNumber writes a decimal with a comma, as Vietnamese does: 12,7.
func vnNumber(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// vnPoints writes points with two decimals at most: "12,7", "—" for nil.
func vnPoints(f *float64) string {
	if f == nil {
		return "—"
	}
	return vnNumber(*f)
}

// hoursLabel shows working minutes as hours and minutes: "12 giờ 05 phút".
func hoursLabel(m int) string {
	if m <= 0 {
		return "0 giờ"
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d giờ", m/60)
	}
	return fmt.Sprintf("%d giờ %02d phút", m/60, m%60)
}

func init() {
	for name, fn := range map[string]any{
		"vnNumber": vnNumber,
		"vnPoints": vnPoints,
		"hours":    hoursLabel,
	} {
		if _, dup := funcs[name]; dup {
			panic("web: template function " + name + " defined twice")
		}
		funcs[name] = fn
	}
}
