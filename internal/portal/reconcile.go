package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"dunghan/internal/store"
)

// maxReportLines bounds a reconciliation's stored report.
const maxReportLines = 200

// Reconcile compares, for the agency's dossiers received in [from, to),
// what the portal holds (TraCuuHoSo) with what it should hold, queues a
// full push of every dossier missing or different there, and records the
// run. Its ratio is the DOSSIER_SYNC ratio the portal should now see.
// progress, if set, is called after every page.
func (w *Worker) Reconcile(ctx context.Context, agencyID string, from, to time.Time, progress func(done int)) (store.PortalRun, error) {
	run := store.PortalRun{From: from, To: to, StartedAt: w.opt.Now()}
	dir, err := w.directory(ctx, agencyID)
	if err != nil {
		return run, err
	}
	var lines []string
	note := func(format string, args ...any) {
		if len(lines) < maxReportLines {
			lines = append(lines, fmt.Sprintf(format, args...))
		}
	}
	unsyncable := map[string]int{} // reason → dossiers
	var reasons []string
	after := ""
	for {
		page, err := w.opt.Store.PortalPeriod(ctx, agencyID, from, to, after, 100)
		if err != nil {
			return run, err
		}
		for _, it := range page {
			if err := ctx.Err(); err != nil {
				return run, err
			}
			run.Checked++
			name := it.Code
			if name == "" {
				name = it.Key
			}
			rec, err := w.opt.Store.Dossier(ctx, agencyID, it.DossierID)
			if err != nil {
				return run, err
			}
			d, steps, err := Map(rec.Events, w.calendar(agencyID), dir)
			if err != nil {
				run.Unsyncable++
				why := message(err)
				if unsyncable[why] == 0 {
					reasons = append(reasons, why)
				}
				unsyncable[why]++
				continue
			}
			got, found, err := w.opt.Client.Lookup(ctx, d.Key())
			switch {
			case err != nil:
				run.Unreachable++
				note("%s: không tra cứu được trên Cổng: %s", name, message(err))
				continue
			case !found:
				run.Missing++
				note("%s: Cổng chưa có hồ sơ", name)
				err = w.opt.Store.PortalRepair(ctx, it, 0, "Đối soát: Cổng chưa có hồ sơ", w.opt.Now())
			default:
				fields, kept := Differences(d, steps, got)
				if len(fields) == 0 {
					run.Matched++
					continue
				}
				run.Different++
				why := "Đối soát: Cổng khác ở " + strings.Join(fields, ", ")
				note("%s: %s", name, strings.TrimPrefix(why, "Đối soát: "))
				err = w.opt.Store.PortalRepair(ctx, it, kept, why, w.opt.Now())
			}
			if err != nil {
				return run, err
			}
		}
		if progress != nil {
			progress(run.Checked)
		}
		if len(page) < 100 {
			break
		}
		after = page[len(page)-1].DossierID
	}
	for _, why := range reasons {
		lines = append(lines, fmt.Sprintf("%d hồ sơ không thể đồng bộ: %s", unsyncable[why], why))
	}
	run.FinishedAt = w.opt.Now()
	run.Report = strings.Join(lines, "\n")
	if err := w.opt.Store.SavePortalRun(ctx, agencyID, run); err != nil {
		return run, err
	}
	w.opt.Log.Info("portal: reconciliation", "agency", agencyID, "checked", run.Checked, "matched", run.Matched,
		"missing", run.Missing, "different", run.Different, "unreachable", run.Unreachable, "unsyncable", run.Unsyncable)
	w.Kick()
	return run, nil
}

// reconcileAll reconciles every agency over [from, to).
func (w *Worker) reconcileAll(ctx context.Context, from, to time.Time) {
	agencies, err := w.opt.Store.Agencies(ctx)
	if err != nil {
		w.opt.Log.Warn("portal: scheduled reconciliation skipped", "err", err)
		return
	}
	for _, a := range agencies {
		if _, err := w.Reconcile(ctx, a.ID, from, to, nil); err != nil && ctx.Err() == nil {
			w.opt.Log.Warn("portal: scheduled reconciliation failed", "agency", a.ID, "err", err)
		}
	}
}

// Differences names the record fields and says whether the steps in which
// the portal's copy got differs from ours (d and steps); kept is how many
// leading steps agree.
func Differences(d Dossier, steps []Step, got LookupResult) (fields []string, kept int) {
	ours, theirs := fieldsOf(d), fieldsOf(got.HoSo)
	for k, v := range ours {
		if !reflect.DeepEqual(v, theirs[k]) {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	for kept < len(steps) && kept < len(got.TienDo) && steps[kept] == got.TienDo[kept] {
		kept++
	}
	if kept < len(steps) || len(got.TienDo) > len(steps) {
		fields = append(fields, fmt.Sprintf("TienDo (Cổng có %d bước, hệ thống có %d, trùng %d)", len(got.TienDo), len(steps), kept))
	}
	return fields, kept
}

// fieldsOf is d as a map of its JSON fields.
func fieldsOf(d Dossier) map[string]any {
	b, _ := json.Marshal(d)
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	return m
}
