package forms

import (
	"fmt"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
)

// Limits on the lines a field may take, so that a slip stays readable and
// every row of a table fits on a page.
const (
	nameLines   = 3
	fieldLines  = 4
	reasonLines = 16
	docLines    = 3
)

// contact is the agency's enquiry details, with the defaults filled in.
func (r *Renderer) contact(in Input) Contact {
	c := r.texts.Agencies[in.Agency.Code]
	if c.Town == "" {
		c.Town = in.Agency.Province
	}
	if c.Place == "" {
		c.Place = strings.TrimPrefix(in.Units[in.State.ReceivingUnit]+" — "+in.Agency.Name, " — ")
	}
	return c
}

// vars are the placeholders a dossier fills.
func (r *Renderer) vars(in Input) map[string]string {
	st, c := in.State, r.contact(in)
	promised := handover(st.Promised)
	if promised == "" && !st.AcceptedAt.IsZero() {
		promised = procedure.DurationLabel(nil)
	}
	v := map[string]string{
		"agency": in.Agency.Name, "unit": in.Units[st.ReceivingUnit], "code": st.Code,
		"applicant": applicant(st.Applicant), "address": st.Applicant.Address, "phone": st.Applicant.Phone,
		"email": st.Applicant.Email, "procedure": st.Procedure.Name, "duration": procedure.DurationLabel(st.Procedure.Legal),
		"received": handover(st.AcceptedAt), "received_date": date(st.AcceptedAt), "promised": promised,
		"due_date": date(st.LegalDue), "place": c.Place, "secret": st.Secret, "contact_phone": c.Phone,
		"handling_unit": handlingUnits(in),
	}
	if st.AcceptedAt.IsZero() {
		v["received_date"] = date(st.SubmittedAt)
	}
	if in.PublicURL != "" {
		v["lookup_page"] = strings.TrimSuffix(in.PublicURL, "/") + "/tra-cuu"
	}
	return v
}

// applicant names the applicant, with the organisation when there is one.
func applicant(a dossier.Applicant) string {
	if a.Organisation != "" && a.Organisation != a.Name {
		return a.Name + " — " + a.Organisation
	}
	return a.Name
}

// handlingUnits names the units other than the receiving one that the
// dossier went through, in order.
func handlingUnits(in Input) string {
	var names []string
	seen := map[string]bool{in.State.ReceivingUnit: true}
	for _, v := range in.State.Visits {
		if !seen[v.Unit] && in.Units[v.Unit] != "" {
			seen[v.Unit] = true
			names = append(names, in.Units[v.Unit])
		}
	}
	return strings.Join(names, "; ")
}

// dateLine is the place and date line of a form issued at t.
func (r *Renderer) dateLine(in Input, t time.Time) string {
	return fill(r.texts.Heading.DateLine, dateVars(t, r.contact(in).Town), r.texts.Heading.Blank)
}

// document describes a document: its name, copies and whether original.
func (r *Renderer) document(d dossier.Document) string {
	h := r.texts.Heading
	kind := h.Copy
	if d.Original {
		kind = h.Original
	}
	return fill(h.Document, map[string]string{"name": d.Name, "count": fmt.Sprintf("%02d", max(d.Copies, 1)), "kind": kind}, h.Blank)
}

// open starts a slip of a dossier: the heading and the title.
func (r *Renderer) open(in Input, number, title string, issued time.Time) *doc {
	reg := r.texts.regime(RegimeOf(in.State))
	d := newDoc(r.texts, a5, in.Now, sentence(title)+" "+in.State.Code)
	d.heading(in.Agency.Name, in.Units[in.State.ReceivingUnit], number, reg.Circular, r.dateLine(in, issued))
	d.title(title)
	d.font("", 10.5)
	return d
}

// f fills a text with the dossier's placeholders.
func (r *Renderer) f(s string, v map[string]string) string { return fill(s, v, r.texts.Heading.Blank) }

// with returns v plus the extra pairs.
func with(v map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(v)+len(kv)/2)
	for k, x := range v {
		out[k] = x
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// list draws numbered items indented under the current line.
func (d *doc) list(items []string, numbered bool) {
	for i, it := range items {
		prefix := "– "
		if numbered {
			prefix = fmt.Sprintf("%d. ", i+1)
		}
		d.text(d.p.left+5, d.width()-5, prefix+it, "L", docLines)
	}
}

// Receipt prints the receipt and appointment slip (Mẫu 01): what was
// received, when the result is due and where, and the lookup secret with
// a QR code that opens the public lookup page.
//
// The receipt is the one issued at the last reception of documents: at
// acceptance, or when the supplement arrived (the clock restarted and a new
// appointment was given). A reschedule does not change it: the apology
// carries the new date.
func (r *Renderer) Receipt(in Input) ([]byte, error) {
	if !allows(in.State, in.Events, Receipt) {
		return nil, r.notAllowed(in, Receipt)
	}
	st, at, err := issued(in.Events)
	if err != nil {
		return nil, err
	}
	in.State, in.Events = st, in.Events[:st.Version]
	t := r.texts.regime(RegimeOf(st)).Receipt
	v := r.vars(in)
	d := r.open(in, t.Number, t.Title, at)
	d.font("B", 11)
	d.text(d.p.left, d.width(), r.f(t.Code, v), "C", 2)
	d.gap(1.5)
	d.font("", 10.5)
	d.para(r.f(t.Intro, v), fieldLines)
	d.para(r.f(t.Applicant, v), nameLines)
	d.para(r.f(t.Address, v), fieldLines)
	d.para(r.f(t.Contact, v), fieldLines)
	d.para(r.f(t.Request, v), fieldLines)
	d.para(r.f(t.Documents, v), 2)
	docs := make([]string, len(st.Documents))
	for i, x := range st.Documents {
		docs[i] = r.document(x)
	}
	if len(docs) == 0 {
		docs = []string{r.texts.Heading.Blank}
	}
	d.list(docs, false)
	for _, s := range []string{t.Sets, t.Duration, t.Received, t.Promised, t.Place} {
		d.para(r.f(s, v), fieldLines)
	}
	if err := r.lookupBox(d, in, t, v); err != nil {
		return nil, err
	}
	d.para(r.f(t.Enquiries, v), 2)
	officer := ""
	if i := last(in.Events, dossier.EvReceived); i >= 0 {
		officer = in.Events[i].ActorName
	}
	d.signatures(signer{t.Giver, r.texts.Heading.SignHint, st.Applicant.Name}, signer{t.Receiver, r.texts.Heading.SignHint, officer})
	return d.bytes()
}

// issued is the dossier as its receipt was last issued, and when: after the
// last reception of documents (acceptance, or the supplement that restarted
// the clock with a new appointment).
func issued(events []dossier.Event) (dossier.State, time.Time, error) {
	i := last(events, dossier.EvReceived, dossier.EvSupplementReceived)
	if i < 0 {
		return dossier.State{}, time.Time{}, apperr.New(apperr.NotFound, "Hồ sơ chưa được tiếp nhận.")
	}
	st, err := dossier.Replay(events[:i+1])
	return st, events[i].At, err
}

// qrSize is the side of the receipt's QR code, and lookupHeight the most
// the box beside it takes (8 lines), in millimetres: the box never splits.
const (
	qrSize       = 24
	lookupHeight = 40
)

// lookupBox draws the QR code beside how to look the dossier up.
func (r *Renderer) lookupBox(d *doc, in Input, t ReceiptText, v map[string]string) error {
	st := in.State
	d.gap(1.5)
	if in.PublicURL == "" || st.Secret == "" {
		d.para(r.f(t.NoLookup, v), fieldLines)
		if st.Secret != "" {
			d.font("B", 11)
			d.para(r.f(t.Secret, v), 1)
			d.font("", 10.5)
		}
		return nil
	}
	d.room(lookupHeight)
	top := d.y()
	if err := d.qr(d.p.left, top, qrSize, LookupURL(in.PublicURL, st.Code, st.Secret)); err != nil {
		return err
	}
	x := d.p.left + qrSize + 4
	w := d.width() - qrSize - 4
	d.setY(top + 1)
	d.text(x, w, r.f(t.Lookup, v), "L", 5)
	d.font("B", 11)
	d.text(x, w, r.f(t.Code, v), "L", 2)
	d.text(x, w, r.f(t.Secret, v), "L", 1)
	d.font("", 10.5)
	d.setY(max(d.y(), top+qrSize) + 1.5)
	return nil
}

// Supplement prints the supplement request (Mẫu 02) of the last
// supplement or completion request: the missing documents and the reason.
func (r *Renderer) Supplement(in Input) ([]byte, error) {
	i := last(in.Events, dossier.EvSupplementRequested, dossier.EvCompletionRequested)
	if i < 0 {
		return nil, r.notAllowed(in, Supplement)
	}
	e := in.Events[i]
	t := r.texts.regime(RegimeOf(in.State)).Supplement
	v := with(r.vars(in), "reason", e.Reason)
	d := r.open(in, t.Number, t.Title, e.At)
	if in.State.Code != "" {
		d.font("B", 11)
		d.text(d.p.left, d.width(), r.f(t.Code, v), "C", 2)
		d.gap(1.5)
		d.font("", 10.5)
	}
	for _, s := range []string{t.Applicant, t.Request, t.Address, t.Contact, t.Missing} {
		d.para(r.f(s, v), fieldLines)
	}
	missing := make([]string, len(e.Documents))
	for k, x := range e.Documents {
		missing[k] = r.document(x)
	}
	if len(missing) == 0 {
		missing = []string{r.texts.Heading.Blank}
	}
	d.list(missing, true)
	d.para(r.f(t.Reason, v), reasonLines)
	d.para(r.f(t.Help, v), fieldLines)
	d.signatures(signer{t.Signer, r.texts.Heading.SignHint, e.ActorName})
	return d.bytes()
}

// Refusal prints the refusal slip (Mẫu 03) of a refusal at intake.
func (r *Renderer) Refusal(in Input) ([]byte, error) {
	i := last(in.Events, dossier.EvRefusedAtIntake)
	if i < 0 {
		return nil, r.notAllowed(in, Refusal)
	}
	e := in.Events[i]
	t := r.texts.regime(RegimeOf(in.State)).Refusal
	v := with(r.vars(in), "reason", e.Reason)
	d := r.open(in, t.Number, t.Title, e.At)
	d.para(r.f(t.Intro, v), fieldLines)
	d.para(r.f(t.Request, v), fieldLines)
	d.para(r.f(t.Reason, v), reasonLines)
	d.para(r.f(t.Closing, v), 2)
	d.signatures(signer{t.Signer, r.texts.Heading.SignHint, e.ActorName})
	return d.bytes()
}

// Apology prints the apology with the new date (Mẫu 04): under Circular
// 01/2018 "Phiếu xin lỗi và hẹn lại ngày trả kết quả", under 03/2025
// "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết".
func (r *Renderer) Apology(in Input) ([]byte, error) {
	i := last(in.Events, dossier.EvRescheduled)
	if i < 0 {
		return nil, r.notAllowed(in, Apology)
	}
	e := in.Events[i]
	before, err := dossier.Replay(in.Events[:i])
	if err != nil {
		return nil, err
	}
	t := r.texts.regime(RegimeOf(in.State)).Apology
	v := with(r.vars(in), "reason", e.Reason, "old_promised", date(before.Promised), "new_promised", date(e.Promised))
	return r.letter(in, t, v, e)
}

// StopNotice prints the notice that handling is stopped (Mẫu 05 of
// Circular 03/2025; the earlier circular has none).
func (r *Renderer) StopNotice(in Input) ([]byte, error) {
	i := last(in.Events, dossier.EvStopped)
	t := r.texts.regime(RegimeOf(in.State)).Stop
	if i < 0 || t == nil || RegimeOf(in.State) != TT03 {
		return nil, r.notAllowed(in, Stop)
	}
	e := in.Events[i]
	v := with(r.vars(in), "reason", e.Reason, "stopped_date", date(e.At))
	return r.letter(in, *t, v, e)
}

// letter prints a letter from the head of the agency to the applicant.
func (r *Renderer) letter(in Input, t LetterText, v map[string]string, e dossier.Event) ([]byte, error) {
	d := r.open(in, t.Number, t.Title, e.At)
	d.font("B", 10.5)
	d.text(d.p.left+15, d.width()-15, r.f(t.Addressee, v), "L", nameLines)
	d.font("", 10.5)
	d.gap(1)
	for _, p := range t.Body {
		d.para(r.f(p, v), reasonLines)
	}
	d.signatures(signer{t.Signer, r.texts.Heading.SealHint, e.ActorName})
	return d.bytes()
}
