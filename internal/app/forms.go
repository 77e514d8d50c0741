package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/config"
	"dunghan/internal/dossier"
	"dunghan/internal/forms"
	"dunghan/internal/store"
	"dunghan/internal/watch"
)

const formsUsage = `Usage:
  dunghan forms render -dossier CODE -form NAME [-o FILE] [-agency CODE]
      Prints one official form of a dossier as PDF: NAME is tiep-nhan,
      bo-sung, tu-choi, xin-loi, dung or kiem-soat (see 'forms list').
      FILE defaults to NAME-CODE.pdf; "-" writes to standard output.
  dunghan forms list -dossier CODE [-agency CODE]
      Lists the forms the dossier's history allows, numbered by the circular
      in force when it was received.
  dunghan forms register -unit CODE -from DATE -to DATE [-o FILE] [-agency CODE]
      Prints the dossier register (sổ theo dõi hồ sơ) of a receiving unit for
      whole days (YYYY-MM-DD or DD/MM/YYYY), A4 landscape.
  dunghan forms texts
      Prints the built-in wording of the forms as JSON: the starting point of
      a DUNGHAN_FORM_TEXTS file (which may also hold the agency's enquiry
      phone, return place and town under "agencies").
Bad input: one line on stderr, exit status 2.`

// runForms implements "dunghan forms".
func runForms(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, formsUsage)
		return 2
	}
	switch args[0] {
	case "render":
		return runFormsRender(ctx, env, args[1:])
	case "list":
		return runFormsList(ctx, env, args[1:])
	case "register":
		return runFormsRegister(ctx, env, args[1:])
	case "texts":
		if len(args) > 1 {
			fmt.Fprintln(env.Stderr, formsUsage)
			return 2
		}
		env.Stdout.Write(forms.DefaultTextsJSON())
		return 0
	case "-h", "--help", "-help", "help":
		fmt.Fprintln(env.Stdout, formsUsage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "dunghan forms: unknown subcommand %q\n\n%s\n", args[0], formsUsage)
	return 2
}

// formRenderer is the forms renderer with the texts of DUNGHAN_FORM_TEXTS.
func formRenderer(cfg config.Config) (*forms.Renderer, error) {
	if cfg.FormTexts == "" {
		return forms.NewRenderer(nil), nil
	}
	b, err := os.ReadFile(cfg.FormTexts)
	if err != nil {
		return nil, fmt.Errorf("DUNGHAN_FORM_TEXTS: %v", err)
	}
	t, err := forms.LoadTexts(b)
	if err != nil {
		return nil, fmt.Errorf("DUNGHAN_FORM_TEXTS=%s: %v", cfg.FormTexts, err)
	}
	return forms.NewRenderer(t), nil
}

// formInput gathers what a dossier's forms print besides the dossier.
func formInput(ctx context.Context, st *store.Store, a agency.Agency, rec store.Record, cal *calendar.Calendar, now time.Time, publicURL string) (forms.Input, error) {
	units, err := unitNames(ctx, st, a.ID)
	if err != nil {
		return forms.Input{}, err
	}
	users, err := st.Users(ctx, a.ID)
	if err != nil {
		return forms.Input{}, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.FullName
	}
	return forms.Input{Agency: a, State: rec.State, Events: rec.Events, Units: units, Users: names, Calendar: cal, Now: now, PublicURL: publicURL}, nil
}

func unitNames(ctx context.Context, st *store.Store, agencyID string) (map[string]string, error) {
	units, err := st.Units(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(units))
	for _, u := range units {
		out[u.ID] = u.Name
	}
	return out, nil
}

// formsSetup opens the store, the renderer and the agency for a forms subcommand.
func formsSetup(ctx context.Context, env Env, cmd, agencyCode string) (*setup, *forms.Renderer, agency.Agency, int) {
	s, rc := open(ctx, env, cmd)
	if s == nil {
		return nil, nil, agency.Agency{}, rc
	}
	r, err := formRenderer(s.cfg)
	if err != nil {
		s.store.Close()
		fmt.Fprintf(env.Stderr, "dunghan %s: %s\n", cmd, oneLineText(err.Error()))
		return nil, nil, agency.Agency{}, 2
	}
	a, err := pickAgency(ctx, s.store, agencyCode)
	if err != nil {
		s.store.Close()
		fmt.Fprintf(env.Stderr, "dunghan %s: %s\n", cmd, oneLineText(err.Error()))
		return nil, nil, agency.Agency{}, 2
	}
	return s, r, a, 0
}

// failed reports err in one line: exit status 2 for bad input (an unknown
// dossier, form or unit, a form the history does not allow, bad dates), 1
// for anything else.
func failed(env Env, cmd string, err error) int {
	fmt.Fprintf(env.Stderr, "dunghan %s: %s\n", cmd, oneLineText(err.Error()))
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.NotFound:
		return 2
	}
	return 1
}

func runFormsRender(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "forms render", "forms render -dossier CODE -form NAME [-o FILE] [-agency CODE]\n\nPrints one official form of a dossier as PDF.")
	code := fs.String("dossier", "", "the dossier's code (mã hồ sơ), or its ID before acceptance")
	name := fs.String("form", "", "tiep-nhan, bo-sung, tu-choi, xin-loi, dung or kiem-soat")
	out := fs.String("o", "", "output file (default NAME-CODE.pdf; - for standard output)")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || *code == "" || *name == "" {
		fs.Usage()
		return 2
	}
	f, err := forms.ParseForm(*name)
	if err != nil {
		return failed(env, "forms render", err)
	}
	s, r, a, rc := formsSetup(ctx, env, "forms render", *agencyCode)
	if s == nil {
		return rc
	}
	defer s.store.Close()
	rec, err := s.store.Dossier(ctx, a.ID, *code)
	if err != nil {
		return failed(env, "forms render", err)
	}
	publicURL := s.cfg.Notify.PublicURL
	in, err := formInput(ctx, s.store, a, rec, s.cal, env.Now(), publicURL)
	if err != nil {
		return failed(env, "forms render", err)
	}
	pdf, err := r.Render(f, in)
	if err != nil {
		return failed(env, "forms render", err)
	}
	if f == forms.Receipt && publicURL == "" {
		fmt.Fprintln(env.Stderr, "dunghan forms render: DUNGHAN_PUBLIC_URL is not set: the receipt has no QR code to the public lookup page")
	}
	key := rec.State.Code
	if key == "" {
		key = rec.ID
	}
	return writeOut(env, "forms render", *out, forms.FileName(f, key), pdf)
}

// writeOut writes a PDF to file (def when empty, standard output for "-").
func writeOut(env Env, cmd, file, def string, pdf []byte) int {
	if file == "-" {
		if _, err := env.Stdout.Write(pdf); err != nil {
			fmt.Fprintf(env.Stderr, "dunghan %s: %v\n", cmd, err)
			return 1
		}
		return 0
	}
	if file == "" {
		file = def
	}
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "dunghan %s: %v\n", cmd, err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s (%d bytes)\n", file, len(pdf))
	return 0
}

func runFormsList(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "forms list", "forms list -dossier CODE [-agency CODE]\n\nLists the forms the dossier's history allows.")
	code := fs.String("dossier", "", "the dossier's code (mã hồ sơ), or its ID before acceptance")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || *code == "" {
		fs.Usage()
		return 2
	}
	s, r, a, rc := formsSetup(ctx, env, "forms list", *agencyCode)
	if s == nil {
		return rc
	}
	defer s.store.Close()
	rec, err := s.store.Dossier(ctx, a.ID, *code)
	if err != nil {
		return failed(env, "forms list", err)
	}
	for _, info := range r.Describe(forms.RegimeOf(rec.State), forms.Available(rec.State, rec.Events)) {
		fmt.Fprintf(env.Stdout, "%-10s %s: %s\n", info.Form, info.Number, info.Name)
	}
	return 0
}

func runFormsRegister(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "forms register", "forms register -unit CODE -from DATE -to DATE [-o FILE] [-agency CODE]\n\nPrints the dossier register of a receiving unit, A4 landscape.")
	unitCode := fs.String("unit", "", "the receiving unit's code, e.g. MOTCUA")
	fromS := fs.String("from", "", "first day, YYYY-MM-DD or DD/MM/YYYY")
	toS := fs.String("to", "", "last day, included")
	out := fs.String("o", "", "output file (default so-theo-doi-UNIT-FROM-TO.pdf; - for standard output)")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || *unitCode == "" || *fromS == "" || *toS == "" {
		fs.Usage()
		return 2
	}
	from, err := calendar.ParseDate(*fromS)
	if err != nil {
		return failed(env, "forms register", err)
	}
	to, err := calendar.ParseDate(*toS)
	if err != nil {
		return failed(env, "forms register", err)
	}
	s, r, a, rc := formsSetup(ctx, env, "forms register", *agencyCode)
	if s == nil {
		return rc
	}
	defer s.store.Close()
	unit, err := s.store.UnitByCode(ctx, a.ID, *unitCode)
	if err != nil {
		return failed(env, "forms register", err)
	}
	if to.Time().Before(from.Time()) {
		return failed(env, "forms register", apperr.New(apperr.Invalid, "Ngày kết thúc phải từ ngày bắt đầu trở đi."))
	}
	entries, err := s.store.Register(ctx, a.ID, unit.ID, from.Time(), to.Time().AddDate(0, 0, 1))
	if err != nil {
		return failed(env, "forms register", err)
	}
	units, err := unitNames(ctx, s.store, a.ID)
	if err != nil {
		return failed(env, "forms register", err)
	}
	in := forms.RegisterInput{Agency: a, Unit: unit, From: from, To: to, Units: units, Now: env.Now()}
	for _, e := range entries {
		in.Entries = append(in.Entries, forms.RegisterEntry{No: e.No, State: e.State, Events: e.Events})
	}
	pdf, err := r.Register(in)
	if err != nil {
		return failed(env, "forms register", err)
	}
	return writeOut(env, "forms register", *out, forms.FileName(forms.Register, unit.Code+"-"+from.String()+"-"+to.String()), pdf)
}

// withForms makes the e-mail sender attach, to a citizen's status e-mail
// about an online dossier, the form of that status change: the receipt on
// acceptance, the supplement request, the apology with the new date.
// Other senders, and a nil one, are returned as they are.
func withForms(sender watch.Sender, s *setup, env Env) watch.Sender {
	m, ok := sender.(*watch.Mailer)
	if !ok {
		return sender
	}
	r, err := formRenderer(s.cfg)
	if err != nil {
		s.log.Error("e-mails go without forms", "err", err)
		return sender
	}
	return m.WithAttachments(formAttacher(s.store, r, s.cal, s.cfg.Notify.PublicURL, env.Now))
}

// mailedForms are the forms sent with the citizen e-mail of an event.
var mailedForms = map[dossier.EventType]forms.Form{
	dossier.EvReceived:            forms.Receipt,
	dossier.EvSupplementRequested: forms.Supplement,
	dossier.EvRescheduled:         forms.Apology,
}

// formAttacher renders the form of the status change a citizen e-mail was
// queued for: the dossier as it stood after the last event recorded by
// then. Paper dossiers get their forms at the desk; nothing is attached.
func formAttacher(st *store.Store, r *forms.Renderer, cal *calendar.Calendar, publicURL string, now func() time.Time) watch.Attacher {
	return func(ctx context.Context, m store.OutboxItem) ([]watch.Attachment, error) {
		if m.Kind != "citizen" || m.DossierCode == "" {
			return nil, nil
		}
		rec, err := st.Dossier(ctx, m.AgencyID, m.DossierCode)
		if apperr.Is(err, apperr.NotFound) {
			return nil, nil
		}
		if err != nil || rec.State.Channel != dossier.Online {
			return nil, err
		}
		i := len(rec.Events) - 1
		for i >= 0 && rec.Events[i].At.Truncate(time.Microsecond).After(m.CreatedAt) {
			i--
		}
		if i < 0 {
			return nil, nil
		}
		f, ok := mailedForms[rec.Events[i].Type]
		if !ok {
			return nil, nil
		}
		rec.Events = rec.Events[:i+1]
		if rec.State, err = dossier.Replay(rec.Events); err != nil {
			return nil, err
		}
		a, err := st.AgencyByID(ctx, m.AgencyID)
		if err != nil {
			return nil, err
		}
		in, err := formInput(ctx, st, a, rec, cal, now(), publicURL)
		if err != nil {
			return nil, err
		}
		pdf, err := r.Render(f, in)
		if err != nil {
			return nil, err
		}
		return []watch.Attachment{{Name: forms.FileName(f, rec.State.Code), ContentType: "application/pdf", Data: pdf}}, nil
	}
}
