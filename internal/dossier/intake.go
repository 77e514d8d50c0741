package dossier

import (
	"slices"
	"time"

	"dunghan/internal/apperr"
)

// submit records an online submission (DVCQG status 1).
func (d *decision) submit(c Submit) (Event, error) {
	if err := d.gate("submit"); err != nil {
		return Event{}, err
	}
	in, err := d.newIntake(Online, c.Applicant, c.Documents, c.SubmittedAt, d.at)
	if err != nil {
		return Event{}, err
	}
	if u := clean(c.Unit); u != "" {
		in.Unit = u
	}
	in.PortalRef = clean(c.PortalRef)
	e := d.event(EvSubmitted)
	e.At, e.Intake = in.SubmittedAt, in
	return e, nil
}

// receive implements "tiếp nhận hồ sơ": the deadline starts at acceptance.
func (d *decision) receive(c Receive) (Event, error) {
	if err := d.gate("receive"); err != nil {
		return Event{}, err
	}
	if d.a.UnitID == "" {
		return Event{}, apperr.New(apperr.Forbidden, "Tài khoản của bạn chưa được gán đơn vị tiếp nhận hồ sơ.")
	}
	if d.env.Code == "" || d.env.Secret == "" {
		return Event{}, apperr.New(apperr.Internal, "Hệ thống chưa cấp mã hồ sơ hoặc mã tra cứu.")
	}
	accepted := c.AcceptedAt.UTC()
	if accepted.IsZero() {
		accepted = d.at
	}
	var in *Intake
	var err error
	if d.s.Status == "" {
		in, err = d.newIntake(c.Channel, c.Applicant, c.Documents, c.SubmittedAt, accepted)
	} else {
		in, err = d.knownIntake(c)
	}
	if err != nil {
		return Event{}, err
	}
	switch {
	case accepted.After(d.at):
		return Event{}, apperr.New(apperr.Invalid, "Thời điểm tiếp nhận không được ở tương lai.")
	case accepted.Before(in.SubmittedAt):
		return Event{}, apperr.Newf(apperr.Invalid, "Thời điểm tiếp nhận không được trước thời điểm nộp hồ sơ (%s).", vnTime(in.SubmittedAt))
	case accepted.Before(d.s.LastAt):
		return Event{}, apperr.Newf(apperr.Invalid, "Thời điểm tiếp nhận không được trước thao tác gần nhất trên hồ sơ (%s).", vnTime(d.s.LastAt))
	case len(in.Procedure.Steps) == 0:
		return Event{}, apperr.New(apperr.Invalid, "Thủ tục chưa có quy trình nội bộ, chưa thể tiếp nhận hồ sơ.")
	}
	in.Code, in.Secret, in.AcceptedAt, in.Unit = d.env.Code, d.env.Secret, accepted, d.a.UnitID
	// A procedure with no legal duration is accepted and flagged "no
	// deadline": LegalDue stays zero, no duration is ever invented.
	if in.Procedure.Legal != nil {
		due, err := d.cal.Due(accepted, *in.Procedure.Legal)
		if err != nil {
			return Event{}, err
		}
		in.LegalDue, in.Promised = due.UTC(), due.UTC()
	}
	e := d.event(EvReceived)
	e.At, e.Intake = accepted, in
	return e, nil
}

// knownIntake merges a Receive into what was submitted: empty fields keep it.
func (d *decision) knownIntake(c Receive) (*Intake, error) {
	s := d.s
	in := &Intake{Channel: s.Channel, Applicant: s.Applicant, SubmittedAt: s.SubmittedAt, Documents: s.Documents, PortalRef: s.PortalRef}
	var err error
	if clean(c.Applicant.Name) != "" {
		if in.Applicant, err = validApplicant(c.Applicant); err != nil {
			return nil, err
		}
	}
	if len(c.Documents) > 0 {
		if in.Documents, err = cleanDocs(c.Documents); err != nil {
			return nil, err
		}
	}
	in.Procedure, err = d.procedure()
	return in, err
}

// refuseAtIntake implements "từ chối tiếp nhận" (Mẫu 03).
func (d *decision) refuseAtIntake(c RefuseAtIntake) (Event, error) {
	if err := d.gate("refuse_at_intake"); err != nil {
		return Event{}, err
	}
	reason, err := required(c.Reason, "Cần nêu lý do từ chối tiếp nhận hồ sơ.")
	if err != nil {
		return Event{}, err
	}
	e := d.event(EvRefusedAtIntake)
	e.Reason = reason
	if d.s.Status == "" {
		if e.Intake, err = d.newIntake(c.Channel, c.Applicant, c.Documents, time.Time{}, d.at); err != nil {
			return Event{}, err
		}
	}
	return e, nil
}

// requestCompletion implements "hướng dẫn bổ sung, hoàn thiện hồ sơ" before
// acceptance (Decree 61 art. 15(3): "một lần đầy đủ, chính xác"), hence not
// on a dossier already given that guidance.
func (d *decision) requestCompletion(c RequestCompletion) (Event, error) {
	if err := d.gate("request_completion"); err != nil {
		return Event{}, err
	}
	reason, err := required(c.Reason, "Cần nêu nội dung hướng dẫn bổ sung, hoàn thiện hồ sơ.")
	if err != nil {
		return Event{}, err
	}
	e := d.event(EvCompletionRequested)
	e.Reason = reason
	if e.Documents, err = cleanDocs(c.Missing); err != nil {
		return Event{}, err
	}
	if d.s.Status == "" {
		if e.Intake, err = d.newIntake(c.Channel, c.Applicant, nil, time.Time{}, d.at); err != nil {
			return Event{}, err
		}
	}
	return e, nil
}

// newIntake validates the intake facts of a dossier seen for the first
// time; submitted defaults to def.
func (d *decision) newIntake(ch Channel, ap Applicant, docs []Document, submitted, def time.Time) (*Intake, error) {
	if !ch.Valid() {
		return nil, apperr.New(apperr.Invalid, "Kênh nộp hồ sơ không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích).")
	}
	in := &Intake{Channel: ch, SubmittedAt: submitted.UTC(), Unit: d.a.UnitID}
	if in.SubmittedAt.IsZero() {
		in.SubmittedAt = def
	}
	if in.SubmittedAt.After(d.at) {
		return nil, apperr.New(apperr.Invalid, "Thời điểm nộp hồ sơ không được ở tương lai.")
	}
	var err error
	if in.Applicant, err = validApplicant(ap); err != nil {
		return nil, err
	}
	if in.Documents, err = cleanDocs(docs); err != nil {
		return nil, err
	}
	in.Procedure, err = d.procedure()
	return in, err
}

// procedure returns a private copy of Env.Procedure with its instants in UTC.
func (d *decision) procedure() (ProcedureRef, error) {
	p := d.env.Procedure
	if p.ID == "" {
		return p, apperr.New(apperr.Invalid, "Chưa chọn thủ tục hành chính cho hồ sơ.")
	}
	if p.Legal != nil {
		if err := p.Legal.Validate(); err != nil {
			return p, err
		}
		legal := *p.Legal
		p.Legal = &legal
	}
	p.Steps = slices.Clone(p.Steps)
	p.RequiredDocuments = slices.Clone(p.RequiredDocuments)
	p.EffectiveFrom = p.EffectiveFrom.UTC()
	return p, nil
}
