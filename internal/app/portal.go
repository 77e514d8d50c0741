package app

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/portal"
	"dunghan/internal/store"
)

const portalUsage = `portal status|sync|reconcile|resync|retry [flags]

Synchronisation with the National Public Service Portal (DVCQG).

  dunghan portal status    [-agency CODE]              counts by state, failures, last reconciliation
  dunghan portal sync      [-agency CODE]              deliver everything due now, then exit
  dunghan portal reconcile -from DATE -to DATE [-agency CODE]
                                                       compare with the portal, queue repairs, print the ratio
  dunghan portal resync    (-dossier CODE | -from DATE -to DATE) [-agency CODE]
                                                       push dossiers again in full
  dunghan portal retry     [-agency CODE]              retry every failed dossier

Dates are YYYY-MM-DD (Asia/Ho_Chi_Minh); -to is inclusive. sync and reconcile
need DUNGHAN_PORTAL_URL and its companions (see 'dunghan serve -h').`

func runPortal(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: dunghan "+portalUsage)
		return 2
	}
	sub := args[0]
	fs := newFlagSet(env, "portal "+sub, portalUsage)
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	from := fs.String("from", "", "first day of the period, YYYY-MM-DD")
	to := fs.String("to", "", "last day of the period, YYYY-MM-DD (inclusive)")
	code := fs.String("dossier", "", "dossier code (resync)")
	switch sub {
	case "status", "sync", "reconcile", "resync", "retry":
	default:
		fmt.Fprintf(env.Stderr, "dunghan portal: unknown subcommand %q\nusage: dunghan %s\n", sub, portalUsage)
		return 2
	}
	if rc := parseFlags(fs, args[1:]); rc >= 0 {
		return rc
	}
	var period [2]time.Time
	needPeriod := sub == "reconcile" || sub == "resync" && *code == ""
	if needPeriod || *from != "" || *to != "" {
		var err error
		if period, err = parsePeriod(*from, *to); err != nil {
			fmt.Fprintf(env.Stderr, "dunghan portal %s: %v\n", sub, err)
			return 2
		}
	}
	if fs.NArg() > 0 || sub == "resync" && *code != "" && *from != "" {
		fs.Usage()
		return 2
	}
	s, rc := open(ctx, env, "portal "+sub)
	if s == nil {
		return rc
	}
	defer s.store.Close()
	a, err := pickAgency(ctx, s.store, *agencyCode)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan portal %s: %v\n", sub, err)
		return 1
	}
	now := env.Now()
	switch sub {
	case "status":
		err = printPortalStatus(ctx, env.Stdout, s.store, a.ID)
	case "retry":
		var n int
		if n, err = s.store.PortalRetryFailed(ctx, a.ID, now); err == nil {
			fmt.Fprintf(env.Stdout, "%s: %d failed dossiers queued again.\n", a.Name, n)
		}
	case "resync":
		if *code != "" {
			if err = s.store.PortalResync(ctx, a.ID, *code, now); err == nil {
				fmt.Fprintf(env.Stdout, "%s: queued to be pushed again in full.\n", *code)
			}
			break
		}
		var n int
		if n, err = s.store.PortalResyncPeriod(ctx, a.ID, period[0], period[1], now); err == nil {
			fmt.Fprintf(env.Stdout, "%s: %d dossiers received %s queued to be pushed again in full.\n", a.Name, n, periodText(period))
		}
	case "sync", "reconcile":
		if s.cfg.Portal.ServiceURL == "sim" {
			err = fmt.Errorf("DUNGHAN_PORTAL_URL=sim starts a simulator inside 'dunghan serve' only: run 'dunghan portal-sim' and point DUNGHAN_PORTAL_URL at it, or use the page /dong-bo")
			break
		}
		w, stop, perr := portalWorker(ctx, env, s)
		if perr != nil {
			err = perr
			break
		}
		if w == nil {
			err = fmt.Errorf("the portal is not configured: set DUNGHAN_PORTAL_URL (see 'dunghan serve -h')")
			break
		}
		defer stop()
		if sub == "sync" {
			err = runPortalSync(ctx, env, w)
		} else {
			err = runReconcile(ctx, env, w, a.ID, period)
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan portal %s: %v\n", sub, err)
		return 1
	}
	return 0
}

// parsePeriod reads an inclusive day range as [from, to+1 day) in Vietnam time.
func parsePeriod(from, to string) ([2]time.Time, error) {
	var p [2]time.Time
	if from == "" || to == "" {
		return p, fmt.Errorf("-from and -to are both required (YYYY-MM-DD)")
	}
	var err error
	if p[0], err = time.ParseInLocation(time.DateOnly, from, calendar.Zone); err != nil {
		return p, fmt.Errorf("-from %q: want YYYY-MM-DD", from)
	}
	if p[1], err = time.ParseInLocation(time.DateOnly, to, calendar.Zone); err != nil {
		return p, fmt.Errorf("-to %q: want YYYY-MM-DD", to)
	}
	if p[1].Before(p[0]) {
		return p, fmt.Errorf("-to %s is before -from %s", to, from)
	}
	p[1] = p[1].AddDate(0, 0, 1)
	return p, nil
}

func periodText(p [2]time.Time) string {
	return p[0].Format("02/01/2006") + "–" + p[1].AddDate(0, 0, -1).Format("02/01/2006")
}

func printPortalStatus(ctx context.Context, w io.Writer, st *store.Store, agencyID string) error {
	counts, err := st.PortalCounts(ctx, agencyID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "synced %d · pending %d · sending %d · failed %d\n",
		counts[store.SyncSynced], counts[store.SyncPending], counts[store.SyncSending], counts[store.SyncFailed])
	failed, err := st.PortalList(ctx, agencyID, store.SyncFailed, 20)
	if err != nil {
		return err
	}
	for _, p := range failed {
		fmt.Fprintf(w, "  failed %-28s %s\n", cmp.Or(p.Code, p.Key), p.LastError)
	}
	runs, err := st.PortalRuns(ctx, agencyID, 1)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintln(w, "no reconciliation yet")
		return nil
	}
	printRun(w, runs[0])
	return nil
}

func printRun(w io.Writer, r store.PortalRun) {
	fmt.Fprintf(w, "reconciliation %s: checked %d, matched %d, missing %d, different %d, unreachable %d, cannot be sent %d → DOSSIER_SYNC ratio %.2f%%\n",
		periodText([2]time.Time{r.From.In(calendar.Zone), r.To.In(calendar.Zone)}), r.Checked, r.Matched, r.Missing, r.Different, r.Unreachable, r.Unsyncable, 100*r.Ratio())
	if r.Report != "" {
		for _, line := range strings.Split(r.Report, "\n") {
			fmt.Fprintln(w, "  "+line)
		}
	}
}

func runPortalSync(ctx context.Context, env Env, w *portal.Worker) error {
	res, err := w.Deliver(ctx)
	fmt.Fprintf(env.Stdout, "claimed %d: delivered %d, retrying later %d, failed %d\n", res.Claimed, res.Delivered, res.Retrying, res.Failed)
	return err
}

func runReconcile(ctx context.Context, env Env, w *portal.Worker, agencyID string, p [2]time.Time) error {
	run, err := w.Reconcile(ctx, agencyID, p[0], p[1], func(done int) {
		fmt.Fprintf(env.Stderr, "checked %d dossiers…\n", done)
	})
	if err != nil {
		return err
	}
	printRun(env.Stdout, run)
	return nil
}
