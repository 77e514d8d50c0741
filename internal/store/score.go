package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
	"dunghan/internal/scorecard"
)

// Scope selects the dossiers of a scorecard or a report: an agency, or one
// unit of it, over the Vietnam dates [From, To), judged at Now.
type Scope struct {
	AgencyID string
	// Unit, if set, keeps the dossiers it handles (scorecard.HandlingUnit);
	// for the delay report, the steps done in it.
	Unit     string
	From, To time.Time // Vietnam midnights
	Now      time.Time
	// PortalSync is set when dossiers are synchronised with the portal: the
	// agency's scorecard then counts DOSSIER_SYNC from the sync rows.
	PortalSync bool
}

// End is when the period is judged: its end, or now if it has not ended.
func (q Scope) End() time.Time {
	if q.Now.Before(q.To) {
		return q.Now
	}
	return q.To
}

// Ongoing reports whether the period has not ended yet.
func (q Scope) Ongoing() bool { return q.Now.Before(q.To) }

// Flow sums the scorecard's counters of one procedure over the days of a
// period: the first block counts the dossiers accepted in it, the second
// those that finished in it.
type Flow struct {
	ProcedureID                   string
	Received, ReceivedOnline      int
	OnTime766, Late766            int // of the accepted, those finished, by their 766 mark
	ResolvedEarly, ResolvedOnTime int
	ResolvedLate, EndedOther      int
	Results, EResults, Digitised  int
	FeeDossiers, PaidOnline       int
}

// Finished counts the dossiers that finished in the period, however.
func (f *Flow) Finished() int {
	return f.ResolvedEarly + f.ResolvedOnTime + f.ResolvedLate + f.EndedOther
}

// flows sums score_counters per procedure for the days [from, to); to zero
// means no end.
func (s *Store) flows(ctx context.Context, agencyID, unit string, from, to time.Time) (map[string]*Flow, error) {
	args := []any{agencyID, day(from)}
	q := `SELECT procedure_id, SUM(received), SUM(received_online), SUM(on_time_766), SUM(late_766), SUM(resolved_early),
		SUM(resolved_on_time), SUM(resolved_late), SUM(ended_other), SUM(results), SUM(e_results), SUM(digitised),
		SUM(fee_dossiers), SUM(paid_online)
		FROM score_counters WHERE agency_id = $1 AND day >= $2`
	if !to.IsZero() {
		args = append(args, day(to))
		q += fmt.Sprintf(" AND day < $%d", len(args))
	}
	if unit != "" {
		args = append(args, unit)
		q += fmt.Sprintf(" AND unit_id = $%d", len(args))
	}
	rows, err := s.db.QueryContext(ctx, q+" GROUP BY procedure_id", args...)
	if err != nil {
		return nil, dbErr("score counters", err)
	}
	defer rows.Close()
	out := map[string]*Flow{}
	for rows.Next() {
		f := &Flow{}
		if err := rows.Scan(&f.ProcedureID, &f.Received, &f.ReceivedOnline, &f.OnTime766, &f.Late766, &f.ResolvedEarly, &f.ResolvedOnTime,
			&f.ResolvedLate, &f.EndedOther, &f.Results, &f.EResults, &f.Digitised, &f.FeeDossiers, &f.PaidOnline); err != nil {
			return nil, dbErr("scan score counters", err)
		}
		out[f.ProcedureID] = f
	}
	return out, rows.Err()
}

// pending is a dossier of a period that was not finished when the period
// was judged, as the projection knows it.
type pending struct {
	ID, Code, ProcedureID, Applicant string
	AcceptedAt, FinishedAt           time.Time
	Promised, LegalDue, OrigLegalDue time.Time
	FirstPause                       time.Time
	Paused, Late766                  bool
}

// pendingColumns are the projection's columns of a pending, for the
// dossiers table aliased as prefix ("" or "d.").
func pendingColumnsOf(prefix string) string {
	cols := []string{"id", "COALESCE(" + prefix + "code, '')", "procedure_id", "applicant_name", "accepted_at", "finished_at",
		"promised_at_acceptance", "legal_due_at", "original_legal_due_at", "first_pause_at", "paused", "late_766"}
	for i, c := range cols {
		if !strings.HasPrefix(c, "COALESCE") {
			cols[i] = prefix + c
		}
	}
	return strings.Join(cols, ", ")
}

var pendingColumns = pendingColumnsOf("")

func scanPending(rows interface{ Scan(...any) error }) (pending, error) {
	var p pending
	var acc, fin, prom, due, orig, pause nullableTime
	err := rows.Scan(&p.ID, &p.Code, &p.ProcedureID, &p.Applicant, &acc, &fin, &prom, &due, &orig, &pause, &p.Paused, &p.Late766)
	p.AcceptedAt, p.FinishedAt, p.Promised, p.LegalDue, p.OrigLegalDue, p.FirstPause = acc.t, fin.t, prom.t, due.t, orig.t, pause.t
	return p, err
}

// openAt lists the dossiers accepted in [from, before) that were not
// finished at t: open now, or (for a past t) finished after t. It reads
// the open ones through the status index, and for a past t the period's
// dossiers through the acceptance index, or with no from those finished
// since t through the finish index: its cost follows the open dossiers
// and the period or the time since t, never the whole history.
func (s *Store) openAt(ctx context.Context, agencyID, unit string, from, before, t time.Time, past bool) ([]pending, error) {
	args := append([]any{agencyID, stamp(from), stamp(before)}, openStatuses...)
	where := `agency_id = $1 AND accepted_at >= $2 AND accepted_at < $3`
	if unit != "" {
		args = append(args, unit)
		where += fmt.Sprintf(" AND handling_unit = $%d", len(args))
	}
	args2 := []any{agencyID, stamp(from), stamp(before), stamp(t)}
	where2 := `agency_id = $1 AND accepted_at >= $2 AND accepted_at < $3 AND finished_at > $4`
	if from.IsZero() { // no period start: read those finished since t (the finish index), filter below
		args2 = []any{agencyID, stamp(t)}
		where2 = `agency_id = $1 AND finished_at > $2`
	}
	if unit != "" {
		args2 = append(args2, unit)
		where2 += fmt.Sprintf(" AND handling_unit = $%d", len(args2))
	}
	queries := []struct {
		sql  string
		args []any
	}{
		{`SELECT ` + pendingColumns + ` FROM dossiers WHERE ` + where + ` AND status IN ($4, $5, $6, $7)`, args},
		{`SELECT ` + pendingColumns + ` FROM dossiers WHERE ` + where2, args2},
	}
	if !past {
		queries = queries[:1]
	}
	var out []pending
	for _, q := range queries {
		rows, err := s.db.QueryContext(ctx, q.sql, q.args...)
		if err != nil {
			return nil, dbErr("open dossiers", err)
		}
		for rows.Next() {
			p, err := scanPending(rows)
			if err != nil {
				rows.Close()
				return nil, dbErr("scan open dossiers", err)
			}
			if !p.AcceptedAt.IsZero() && p.AcceptedAt.Before(before) {
				out = append(out, p)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, dbErr("open dossiers", err)
		}
	}
	slices.SortFunc(out, func(a, b pending) int { return cmp.Or(a.AcceptedAt.Compare(b.AcceptedAt), strings.Compare(a.ID, b.ID)) })
	return out, nil
}

// stateAt replays a dossier's events up to and including t.
func stateAt(events []dossier.Event, t time.Time) (dossier.State, error) {
	var st dossier.State
	for _, e := range events {
		if e.At.After(t) {
			break
		}
		if err := st.Apply(e); err != nil {
			return st, err
		}
	}
	return st, nil
}

// judge is a pending dossier's state at t: from the projection when no
// pause began by t (the acceptance facts then tell everything the deadline
// rules need), else by replaying its events up to t.
func (s *Store) judge(ctx context.Context, agencyID string, p pending, t time.Time) (dossier.State, error) {
	if p.FirstPause.IsZero() || p.FirstPause.After(t) {
		return dossier.State{AcceptedAt: p.AcceptedAt, PromisedAtAcceptance: p.Promised, LegalDue: p.OrigLegalDue,
			OriginalLegalDue: p.OrigLegalDue, Status: dossier.Processing}, nil
	}
	rec, err := loadRecord(ctx, s.db, agencyID, p.ID, 0)
	if err != nil {
		return dossier.State{}, err
	}
	return stateAt(rec.Events, t)
}

// Costly is a dossier that costs the scope points in the period: late by
// the portal's rules (progress and receiving satisfaction), or on time but
// rated "không hài lòng" (receiving satisfaction only).
type Costly struct {
	ID, Code, ProcedureID, Applicant string
	AcceptedAt, Promised, FinishedAt time.Time // FinishedAt zero: still open now
	OpenAtEnd                        bool      // not finished when the period was judged
	Complained                       bool      // on time, but the citizen was not satisfied
	// Why, from the dossier's own events up to the period's end.
	SecondSupplement bool               // a second supplement request counts as overdue
	SecondBy         string             // who allowed it
	LateSteps        []dossier.StepView // steps over their budget, the worst first
}

// ScoreReport is the live scorecard of a scope.
type ScoreReport struct {
	Scope Scope
	End   time.Time
	Facts scorecard.Facts
	// Outlook is the open part of the cohort; nil once the period has ended.
	Outlook *scorecard.Outlook
	Costly  []Costly // at most CostlyLimit
	// CostlyCount counts every costly dossier, listed or not.
	CostlyCount int
}

// CostlyLimit bounds the dossiers a scorecard explains.
const CostlyLimit = 300

// Scorecard computes the live Decision 766 scorecard of a scope from the
// counters and the projection, never by scanning events. The period's
// cohort is the dossiers accepted in it; an open one is judged at
// Scope.End by dossier.OnTime766. Only the dossiers that cost points, and
// the few still open that paused before the end, are replayed.
func (s *Store) Scorecard(ctx context.Context, q Scope, cal *calendar.Calendar) (ScoreReport, error) {
	end := q.End()
	rep := ScoreReport{Scope: q, End: end}
	flows, err := s.flows(ctx, q.AgencyID, q.Unit, q.From, q.To)
	if err != nil {
		return rep, err
	}
	var onTime, received, online int
	for _, f := range flows {
		onTime += f.OnTime766
		received += f.Received
		online += f.ReceivedOnline
	}
	open, err := s.openAt(ctx, q.AgencyID, q.Unit, q.From, q.To, end, !q.Ongoing())
	if err != nil {
		return rep, err
	}
	var lateOpen []pending
	onTimeAt := map[string]bool{}
	var outlook scorecard.Outlook
	for _, p := range open {
		if !p.FinishedAt.IsZero() && !p.Late766 { // finished on time after the end: judged at the end instead
			onTime--
		}
		st, err := s.judge(ctx, q.AgencyID, p, end)
		if err != nil {
			return rep, err
		}
		ok := dossier.OnTime766(st, cal, end)
		onTimeAt[p.ID] = ok
		if ok {
			onTime++
		} else {
			lateOpen = append(lateOpen, p)
		}
		if q.Ongoing() {
			outlook.Open++
			if ok {
				outlook.Recoverable++
				if !dossier.OnTime766(st, cal, q.To) {
					outlook.DueInPeriod++
				}
			}
		}
	}
	if q.Ongoing() {
		rep.Outlook = &outlook
	}
	complained, err := s.complaints(ctx, q, end)
	if err != nil {
		return rep, err
	}
	var complainedOnTime []pending
	for _, c := range complained {
		ok, judgedHere := onTimeAt[c.ID]
		if !judgedHere {
			ok = !c.Late766
		}
		if ok {
			complainedOnTime = append(complainedOnTime, c)
		}
	}
	f := scorecard.Facts{Received: int64(received), OnTime: int64(onTime), ReceivedOnline: int64(online)}
	f.OnTimeUncomplained = f.OnTime - int64(len(complainedOnTime))
	if err := s.catalogueFacts(ctx, q.AgencyID, flows, &f); err != nil {
		return rep, err
	}
	if q.PortalSync && q.Unit == "" {
		f.SyncKnown = true
		// received_at is the acceptance of an accepted dossier: the period index serves the count.
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM portal_sync p JOIN dossiers d ON d.agency_id = p.agency_id AND d.id = p.dossier_id
			WHERE p.agency_id = $1 AND p.received_at >= $2 AND p.received_at < $3 AND p.status = 'synced' AND d.accepted_at IS NOT NULL`,
			q.AgencyID, stamp(q.From), stamp(q.To)).Scan(&f.Synced); err != nil {
			return rep, dbErr("synced dossiers", err)
		}
	}
	rep.Facts = f

	// The dossiers that cost points: finished late, judged late, complained about.
	lateDone, err := s.lateFinished(ctx, q, end)
	if err != nil {
		return rep, err
	}
	rep.CostlyCount = len(lateDone) + len(lateOpen) + len(complainedOnTime)
	add := func(p pending, complained bool) error {
		if len(rep.Costly) >= CostlyLimit {
			return nil
		}
		c, err := s.explain(ctx, q.AgencyID, p, end, cal)
		if err != nil {
			return err
		}
		c.Complained = complained
		rep.Costly = append(rep.Costly, c)
		return nil
	}
	for _, p := range lateOpen {
		if err := add(p, false); err != nil {
			return rep, err
		}
	}
	for _, p := range lateDone {
		if err := add(p, false); err != nil {
			return rep, err
		}
	}
	for _, p := range complainedOnTime {
		if err := add(p, true); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// complaints lists the dossiers of the cohort rated "không hài lòng" by end.
func (s *Store) complaints(ctx context.Context, q Scope, end time.Time) ([]pending, error) {
	args := []any{q.AgencyID, Dissatisfied, stamp(end), stamp(q.From), stamp(q.To)}
	where := ""
	if q.Unit != "" {
		args = append(args, q.Unit)
		where = " AND d.handling_unit = $6"
	}
	// CROSS JOIN keeps SQLite reading the few complaints first (the
	// dossier_ratings_rating index), then each dossier by its key.
	rows, err := s.db.QueryContext(ctx, `SELECT `+pendingColumnsOf("d.")+` FROM dossier_ratings r CROSS JOIN dossiers d
		WHERE r.agency_id = $1 AND r.rating = $2 AND r.created_at <= $3 AND d.agency_id = r.agency_id AND d.id = r.dossier_id
		AND d.accepted_at >= $4 AND d.accepted_at < $5`+where, args...)
	if err != nil {
		return nil, dbErr("complaints", err)
	}
	defer rows.Close()
	var out []pending
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return nil, dbErr("scan complaints", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// lateFinished lists the cohort's dossiers that finished by end, late by
// the 766 rules (the dossiers_late_766 index), latest finish first.
func (s *Store) lateFinished(ctx context.Context, q Scope, end time.Time) ([]pending, error) {
	args := []any{q.AgencyID, true, stamp(q.From), stamp(q.To), stamp(end)}
	where := ""
	if q.Unit != "" {
		args = append(args, q.Unit)
		where = " AND handling_unit = $6"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+pendingColumns+` FROM dossiers
		WHERE agency_id = $1 AND late_766 = $2 AND accepted_at >= $3 AND accepted_at < $4 AND finished_at <= $5`+where+`
		ORDER BY finished_at DESC, id`, args...)
	if err != nil {
		return nil, dbErr("late dossiers", err)
	}
	defer rows.Close()
	var out []pending
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return nil, dbErr("scan late dossiers", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// explain replays one dossier up to end and says why it costs points.
func (s *Store) explain(ctx context.Context, agencyID string, p pending, end time.Time, cal *calendar.Calendar) (Costly, error) {
	c := Costly{ID: p.ID, Code: p.Code, ProcedureID: p.ProcedureID, Applicant: p.Applicant, AcceptedAt: p.AcceptedAt, Promised: p.Promised}
	rec, err := loadRecord(ctx, s.db, agencyID, p.ID, 0)
	if err != nil {
		return c, err
	}
	st, err := stateAt(rec.Events, end)
	if err != nil {
		return c, err
	}
	c.FinishedAt, c.OpenAtEnd = rec.State.FinishedAt, !st.Closed()
	n := 0
	for _, e := range rec.Events {
		if e.Type == dossier.EvSupplementRequested && !e.At.After(end) {
			if n++; n == 2 {
				c.SecondSupplement, c.SecondBy = true, e.ActorName
			}
		}
	}
	c.SecondSupplement = c.SecondSupplement || st.CountsOverdue
	for _, v := range dossier.Clock(st, cal, end).Steps {
		if v.Class == dossier.Late || v.End.IsZero() && v.OverrunMinutes > 0 {
			c.LateSteps = append(c.LateSteps, v)
		}
	}
	slices.SortStableFunc(c.LateSteps, func(a, b dossier.StepView) int { return b.OverrunMinutes - a.OverrunMinutes })
	return c, nil
}

// catalogueFacts completes the facts with the agency's catalogue: the
// procedures offered online and those with fees (latest versions).
func (s *Store) catalogueFacts(ctx context.Context, agencyID string, flows map[string]*Flow, f *scorecard.Facts) error {
	procs, err := s.Procedures(ctx, agencyID)
	if err != nil {
		return err
	}
	for _, p := range procs {
		f.Procedures++
		fl := flows[p.ID]
		if fl == nil {
			fl = &Flow{}
		}
		switch p.Online {
		case procedure.OnlinePartial:
			f.ProceduresPartial++
		case procedure.OnlineFull:
			f.ProceduresFull++
		}
		if p.Online == procedure.OnlinePartial || p.Online == procedure.OnlineFull {
			f.OfferedReceived += int64(fl.Received)
			f.OfferedReceivedOnline += int64(fl.ReceivedOnline)
		}
		if scorecard.FeeApplies(p.Fee) {
			f.FeeProcedures++
			if fl.Received > 0 {
				f.FeeProceduresWithDossiers++
			}
			if fl.PaidOnline > 0 {
				f.FeeProceduresPaidOnline++
			}
		}
	}
	for _, fl := range flows {
		f.FeeDossiers += int64(fl.FeeDossiers)
		f.PaidOnline += int64(fl.PaidOnline)
		f.Results += int64(fl.Results)
		f.EResults += int64(fl.EResults)
		f.Digitised += int64(fl.Digitised)
	}
	return nil
}
