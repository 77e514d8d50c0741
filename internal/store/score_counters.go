package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/scorecard"
)

// scoreFacts are the scorecard's facts of one transition before → st.
type scoreFacts struct {
	handlingUnit string
	firstPause   time.Time
	finishing    bool // st is the first state with a finish
	late766      bool // finishing, and late by the 766 rules
	cal          *calendar.Calendar
}

func scoreFactsOf(before, st dossier.State, cal *calendar.Calendar) scoreFacts {
	f := scoreFacts{handlingUnit: scorecard.HandlingUnit(st), cal: cal}
	if len(st.Pauses) > 0 {
		f.firstPause = st.Pauses[0].From
	}
	f.finishing = !st.AcceptedAt.IsZero() && before.FinishedAt.IsZero() && !st.FinishedAt.IsZero()
	f.late766 = f.finishing && !dossier.OnTime766(st, cal, st.FinishedAt)
	return f
}

// day is the Vietnam date of t, the key of every counter row.
func day(t time.Time) string { return t.In(calendar.Zone).Format(time.DateOnly) }

// counterDelta accumulates changes to counter rows: key → column → change.
type counterDelta map[[3]string]map[string]int

func (d counterDelta) add(key [3]string, column string, n int) {
	if d[key] == nil {
		d[key] = map[string]int{}
	}
	d[key][column] += n
}

// updateScoreCounters moves the scorecard's counters for the transition
// before → st, in the command's transaction:
//
//   - received and received_online count the dossier once, on its
//     acceptance day, under its handling unit; when the handling unit
//     changes (the dossier reaches a division) the count moves with it;
//   - when the dossier finishes: its 766 mark on the acceptance day, and
//     its result, digitisation and payment facts on the finish day;
//   - every step visit that ended, once, under the visit's unit and officer.
//
// Marks that depend on the calendar are written once, when they become
// final, and never recomputed.
func updateScoreCounters(ctx context.Context, tx *sql.Tx, agencyID string, before, st dossier.State, f scoreFacts) error {
	if st.AcceptedAt.IsZero() {
		return nil
	}
	score := counterDelta{}
	proc, accepted := st.Procedure.ID, day(st.AcceptedAt)
	unit := f.handlingUnit
	received := func(u string, n int) {
		score.add([3]string{u, proc, accepted}, "received", n)
		if st.Channel == dossier.Online {
			score.add([3]string{u, proc, accepted}, "received_online", n)
		}
	}
	if before.AcceptedAt.IsZero() {
		received(unit, 1)
	} else if prev := scorecard.HandlingUnit(before); prev != unit {
		received(prev, -1)
		received(unit, 1)
	}
	if f.finishing {
		mark := "on_time_766"
		if f.late766 {
			mark = "late_766"
		}
		score.add([3]string{unit, proc, accepted}, mark, 1)
		k := [3]string{unit, proc, day(st.FinishedAt)}
		switch {
		case st.Status != dossier.Resolved && st.Status != dossier.Returned:
			score.add(k, "ended_other", 1)
		case class(st) == string(dossier.Early):
			score.add(k, "resolved_early", 1)
		case class(st) == string(dossier.Late):
			score.add(k, "resolved_late", 1)
		default:
			score.add(k, "resolved_on_time", 1)
		}
		if st.Status == dossier.Resolved && st.Approved {
			score.add(k, "results", 1)
			if st.EResult {
				score.add(k, "e_results", 1)
				if scorecard.Digitised(st.Documents) {
					score.add(k, "digitised", 1)
				}
			}
		}
		if hadPayment(st) {
			score.add(k, "fee_dossiers", 1)
			if st.PaidOnline {
				score.add(k, "paid_online", 1)
			}
		}
	}
	steps := counterDelta{}
	var clock *dossier.ClockView
	for i, v := range st.Visits {
		if v.End.IsZero() || i < len(before.Visits) && !before.Visits[i].End.IsZero() {
			continue
		}
		if clock == nil {
			c := dossier.Clock(st, f.cal, st.LastAt)
			clock = &c
		}
		sv := clock.Steps[i]
		k := [3]string{sv.Unit, sv.Assignee, day(v.End)}
		steps.add(k, "steps", 1)
		switch sv.Class {
		case dossier.Early:
			steps.add(k, "early", 1)
		case dossier.OnTime:
			steps.add(k, "on_time", 1)
		case dossier.Late:
			steps.add(k, "late", 1)
			steps.add(k, "overrun_minutes", sv.OverrunMinutes)
		}
	}
	if err := writeDelta(ctx, tx, agencyID, "score_counters", [3]string{"unit_id", "procedure_id", "day"}, score); err != nil {
		return err
	}
	return writeDelta(ctx, tx, agencyID, "step_counters", [3]string{"unit_id", "assignee", "day"}, steps)
}

// hadPayment reports whether the dossier was asked for fees or taxes.
func hadPayment(st dossier.State) bool {
	return slices.ContainsFunc(st.Pauses, func(p dossier.Pause) bool { return p.Kind == dossier.PausePayment })
}

// writeDelta adds the changes to a counter table, one upsert per row.
// Table and column names come from this file, never from input.
func writeDelta(ctx context.Context, tx *sql.Tx, agencyID, table string, keys [3]string, d counterDelta) error {
	rows := make([][3]string, 0, len(d))
	for k := range d {
		rows = append(rows, k)
	}
	slices.SortFunc(rows, func(a, b [3]string) int {
		return strings.Compare(a[0]+"\x00"+a[1]+"\x00"+a[2], b[0]+"\x00"+b[1]+"\x00"+b[2])
	})
	for _, k := range rows {
		cols := make([]string, 0, len(d[k]))
		for c, n := range d[k] {
			if n != 0 {
				cols = append(cols, c)
			}
		}
		if len(cols) == 0 {
			continue
		}
		slices.Sort(cols)
		args := []any{agencyID, k[0], k[1], k[2]}
		var marks, sets []string
		for _, c := range cols {
			args = append(args, d[k][c])
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
			sets = append(sets, c+" = "+table+"."+c+" + excluded."+c)
		}
		q := `INSERT INTO ` + table + ` (agency_id, ` + strings.Join(keys[:], ", ") + `, ` + strings.Join(cols, ", ") + `)
			VALUES ($1, $2, $3, $4, ` + strings.Join(marks, ", ") + `)
			ON CONFLICT (agency_id, ` + strings.Join(keys[:], ", ") + `) DO UPDATE SET ` + strings.Join(sets, ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return dbErr(table, err)
		}
	}
	return nil
}
