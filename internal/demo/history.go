package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// Executor runs dossier commands; the store implements it.
type Executor interface {
	Execute(ctx context.Context, in store.Exec, cal *calendar.Calendar, secret func() string) (store.Record, error)
	Procedures(ctx context.Context, agencyID string) ([]store.CatalogueEntry, error)
	Units(ctx context.Context, agencyID string) ([]agency.Unit, error)
	Users(ctx context.Context, agencyID string) ([]auth.User, error)
}

// HistoryResult counts what History created.
type HistoryResult struct {
	Dossiers, Commands, Open int
	Refused                  int // commands the rules refused (the walk then stops for that dossier)
}

// History fills the agency with about a year of dossiers ending at now,
// from a fixed seed: mostly on time, some late steps, some supplement
// rounds and payments, a few reschedules, and a handful open and at risk
// now. Every dossier goes through the real command path, so the rules,
// the hash chain and the counters hold exactly as for live data.
func History(ctx context.Context, ex Executor, agencyID string, cal *calendar.Calendar, now time.Time, progress func(done, total int)) (HistoryResult, error) {
	w, err := newWorld(ctx, ex, agencyID, cal)
	if err != nil {
		return HistoryResult{}, err
	}
	rng := rand.New(rand.NewPCG(766, 2025))
	start := cal.NextOpening(now.AddDate(-1, 0, 0))
	var days []time.Time
	for d := start; d.Before(now); d = cal.NextOpening(cal.NextWorkingDay(d)) {
		days = append(days, d)
	}
	var res HistoryResult
	for i, day := range days {
		for range 2 + rng.IntN(4) {
			accepted := cal.AddWorkingMinutes(day, rng.IntN(cal.MinutesPerDay()-30))
			if !accepted.Before(now) {
				continue
			}
			w.walk(ctx, rng, accepted, now, &res)
		}
		if progress != nil && (i%20 == 0 || i == len(days)-1) {
			progress(i+1, len(days))
		}
	}
	return res, ctx.Err()
}

// world is the agency as the walk needs it.
type world struct {
	ex       Executor
	agencyID string
	cal      *calendar.Calendar
	procs    []store.CatalogueEntry
	units    map[string]string          // unit code → ID
	staff    map[string][]dossier.Actor // role + "@" + unit ID → users
	secret   func() string
}

func newWorld(ctx context.Context, ex Executor, agencyID string, cal *calendar.Calendar) (*world, error) {
	w := &world{ex: ex, agencyID: agencyID, cal: cal, units: map[string]string{}, staff: map[string][]dossier.Actor{}}
	procs, err := ex.Procedures(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		// Most demo dossiers are for procedures with a legal duration.
		if p.Legal != nil || strings.HasSuffix(p.Key, "0") {
			w.procs = append(w.procs, p)
		}
	}
	units, err := ex.Units(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		w.units[u.Code] = u.ID
	}
	users, err := ex.Users(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		for _, r := range u.Roles {
			key := string(r) + "@" + u.UnitID
			w.staff[key] = append(w.staff[key], dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles})
		}
	}
	secrets := rand.New(rand.NewPCG(24, 11))
	w.secret = func() string { return fmt.Sprintf("DEMO%04d", secrets.IntN(10000)) }
	if len(w.procs) == 0 || w.units["MOTCUA"] == "" || w.units["SO"] == "" {
		return nil, fmt.Errorf("demo history needs the demo agency with its procedures")
	}
	return w, nil
}

// division picks the division that handles a procedure, from its field.
func (w *world) division(p store.CatalogueEntry) string {
	f := strings.ToLower(p.Field + " " + p.Name)
	switch {
	case strings.Contains(f, "văn bằng") || strings.Contains(f, "thi") || strings.Contains(f, "kiểm định"):
		return w.units["KTQLCL"]
	case strings.Contains(f, "mầm non") || strings.Contains(f, "tiểu học"):
		return w.units["GDMNTH"]
	case strings.Contains(f, "nghề nghiệp") || strings.Contains(f, "nhà giáo") || strings.Contains(f, "cán bộ"):
		return w.units["TCCB"]
	}
	return w.units["GDTrH"]
}

// holder picks who works a step: the role in the step's unit.
func (w *world) holder(rng *rand.Rand, role auth.Role, unit string) (dossier.Actor, bool) {
	people := w.staff[string(role)+"@"+unit]
	if len(people) == 0 {
		return dossier.Actor{}, false
	}
	return people[rng.IntN(len(people))], true
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Hoài"}
	givenNames  = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"}
)

func name(rng *rand.Rand) string {
	return familyNames[rng.IntN(len(familyNames))] + " " + middleNames[rng.IntN(len(middleNames))] + " " + givenNames[rng.IntN(len(givenNames))]
}

// walk takes one dossier from acceptance as far as the simulated time
// allows before now.
func (w *world) walk(ctx context.Context, rng *rand.Rand, at, now time.Time, res *HistoryResult) {
	p := w.procs[rng.IntN(len(w.procs))]
	channel := dossier.InPerson
	switch r := rng.IntN(10); {
	case r < 4:
		channel = dossier.Online
	case r == 4:
		channel = dossier.Post
	}
	desk, _ := w.holder(rng, auth.Reception, w.units["MOTCUA"])
	docs := []dossier.Document{{Name: "Đơn đề nghị", Copies: 1, Original: true, Digitised: rng.IntN(10) < 8}}
	rec, err := w.run(ctx, store.Exec{ProcedureID: p.ID, At: at, Actor: desk, Command: dossier.Receive{Channel: channel,
		Applicant: dossier.Applicant{Kind: 1, Name: name(rng), Phone: fmt.Sprintf("09%08d", rng.IntN(100000000))}, Documents: docs}}, res)
	if err != nil {
		return
	}
	res.Dossiers++
	code := rec.State.Code
	div := w.division(p)
	// pace < 1 finishes steps early; in a few dossiers one step overruns
	// its budget by one to four working days.
	pace := 0.25 + rng.Float64()*0.6
	slowStep := -1
	if rng.IntN(8) == 0 {
		slowStep = 1 + rng.IntN(3)
	}
	supplement, payment, reschedule := rng.IntN(12) == 0, p.Fee != "" && p.Fee != "Không" && rng.IntN(4) == 0, rng.IntN(25) == 0
	// Some dossiers due around now are still with the specialist: the
	// handful that is overdue or at risk when the demo starts.
	due := rec.State.LegalDue
	stuck := !due.IsZero() && due.After(w.cal.AddWorkingMinutes(now, -2*w.cal.MinutesPerDay())) &&
		due.Before(w.cal.AddWorkingMinutes(now, 3*w.cal.MinutesPerDay())) && rng.IntN(2) == 0
	steps := rec.State.Procedure.Steps
	actor := desk
	for i := 0; i < len(steps); i++ {
		if stuck && i == 1 {
			res.Open++
			return
		}
		budget := steps[i].Budget
		if budget == 0 {
			budget = 120
		}
		spent := max(10, int(float64(budget)*pace*(0.5+rng.Float64())))
		if i == slowStep {
			spent = budget + (1+rng.IntN(4))*w.cal.MinutesPerDay()
		}
		at = w.cal.AddWorkingMinutes(at, spent)
		if i == 1 && supplement && steps[1].Role == auth.Specialist {
			ask := w.cal.AddWorkingMinutes(rec.State.AcceptedAt, 60+rng.IntN(600))
			if !at.After(ask) || ask.After(now) {
				break
			}
			if _, err := w.run(ctx, store.Exec{Code: code, At: ask, Actor: actor, Command: dossier.RequestSupplement{Reason: "Thiếu bản sao có chứng thực",
				Missing: []dossier.Document{{Name: "Bản sao có chứng thực văn bằng", Copies: 1}}}}, res); err != nil {
				return
			}
			at = w.cal.AddWorkingMinutes(ask, (1+rng.IntN(6))*w.cal.MinutesPerDay())
			if at.After(now) {
				break
			}
			if _, err := w.run(ctx, store.Exec{Code: code, At: at, Actor: desk, Command: dossier.ReceiveSupplement{}}, res); err != nil {
				return
			}
			at = w.cal.AddWorkingMinutes(at, 120)
		}
		if i == 1 && payment && !at.After(now) {
			if _, err := w.run(ctx, store.Exec{Code: code, At: at, Actor: desk, Command: dossier.RequestPayment{Amount: 10000}}, res); err != nil {
				return
			}
			at = w.cal.AddWorkingMinutes(at, 60+rng.IntN(3*w.cal.MinutesPerDay()))
			if at.After(now) {
				break
			}
			if _, err := w.run(ctx, store.Exec{Code: code, At: at, Actor: desk, Command: dossier.ConfirmPayment{PaidOnline: rng.IntN(2) == 0}}, res); err != nil {
				return
			}
		}
		if reschedule && i == 2 && !rec.State.LegalDue.IsZero() {
			notice := w.cal.AddWorkingMinutes(rec.State.LegalDue, -2*w.cal.MinutesPerDay())
			if notice.After(rec.State.LastAt) && notice.Before(now) {
				head, ok := w.holder(rng, auth.Leadership, w.units["SO"])
				if ok {
					if r, err := w.run(ctx, store.Exec{Code: code, At: notice, Actor: head, Command: dossier.Reschedule{
						Promised: w.cal.AddWorkingMinutes(rec.State.LegalDue, 5*w.cal.MinutesPerDay()), Reason: "Cần xác minh thêm với cơ sở giáo dục"}}, res); err == nil {
						rec = r
						at = later(at, notice)
					}
				}
			}
		}
		if at.After(now) {
			break
		}
		if i == len(steps)-1 {
			break
		}
		next := steps[i+1]
		unit := div
		switch {
		case next.External || next.Role == auth.Leadership:
			unit = w.units["SO"]
		case next.Role == auth.Clerk:
			unit = w.units["VP"]
		case next.Role == auth.Reception:
			unit = w.units["MOTCUA"]
		}
		var to dossier.Actor
		if !next.External {
			to, _ = w.holder(rng, next.Role, unit)
		}
		r, err := w.run(ctx, store.Exec{Code: code, At: at, Actor: actor, Command: dossier.Transfer{ToStep: i + 1, ToUnit: unit, ToUser: to.UserID}}, res)
		if err != nil {
			return
		}
		rec = r
		at = later(at, rec.State.StepStart)
		if to.UserID != "" {
			actor = to
		} else if head, ok := w.holder(rng, auth.Leadership, w.units["SO"]); ok {
			actor = head
		}
	}
	if at.After(now) {
		res.Open++
		return
	}
	boss, _ := w.holder(rng, auth.Leadership, w.units["SO"])
	if _, err := w.run(ctx, store.Exec{Code: code, At: at, Actor: boss, Command: dossier.Resolve{Approved: rng.IntN(20) > 0,
		Results: []string{"Văn bản kết quả giải quyết"}, EResult: rng.IntN(3) > 0, Reason: "Hồ sơ không đủ điều kiện theo quy định"}}, res); err != nil {
		return
	}
	back := w.cal.AddWorkingMinutes(at, rng.IntN(3*w.cal.MinutesPerDay()))
	if back.Before(now) {
		w.run(ctx, store.Exec{Code: code, At: back, Actor: desk, Command: dossier.Return{To: rec.State.Applicant.Name, Method: "trực tiếp"}}, res)
	}
}

func (w *world) run(ctx context.Context, in store.Exec, res *HistoryResult) (store.Record, error) {
	in.AgencyID = w.agencyID
	rec, err := w.ex.Execute(ctx, in, w.cal, w.secret)
	if err != nil {
		res.Refused++
		return rec, err
	}
	res.Commands++
	return rec, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
