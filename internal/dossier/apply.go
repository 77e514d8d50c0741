package dossier

import (
	"slices"
	"time"

	"dunghan/internal/apperr"
)

// State is a dossier as its events left it. It is a value: Apply never
// writes into slices it shares with an earlier copy. Every instant is in UTC.
type State struct {
	Version       int          `json:"version"` // number of events applied
	Code          string       `json:"code,omitempty"`
	Status        Status       `json:"status"`
	Channel       Channel      `json:"channel"`
	Applicant     Applicant    `json:"applicant"`
	Procedure     ProcedureRef `json:"procedure"`
	ReceivingUnit string       `json:"receiving_unit"`
	PortalRef     string       `json:"portal_ref,omitempty"` // DVCQG's identifier (MaHoSoQG) of an online submission
	Secret        string       `json:"-"`                    // printed on the receipt, never echoed
	Documents     []Document   `json:"documents,omitempty"`  // received at intake and with supplements
	Missing       []Document   `json:"missing,omitempty"`    // asked for by the open completion or supplement request
	SubmittedAt   time.Time    `json:"submitted_at,omitzero"`
	AcceptedAt    time.Time    `json:"accepted_at,omitzero"`

	Step      int       `json:"step"` // current step index, -1 before acceptance
	StepUnit  string    `json:"step_unit,omitempty"`
	Assignee  string    `json:"assignee,omitempty"`
	StepStart time.Time `json:"step_start,omitzero"` // EffectiveAt of the current step
	Visits    []Visit   `json:"visits,omitempty"`    // every step the dossier went through, in order
	Transfers int       `json:"transfers"`

	// ClockStart is when the legal clock last started: acceptance, or the
	// receipt of a supplement ("tính lại từ đầu").
	ClockStart           time.Time `json:"clock_start,omitzero"`
	LegalDue             time.Time `json:"legal_due,omitzero"`              // current, after restarts and payment pauses; zero: no deadline
	OriginalLegalDue     time.Time `json:"original_legal_due,omitzero"`     // fixed at acceptance
	Promised             time.Time `json:"promised,omitzero"`               // ngày hẹn trả, current
	PromisedAtAcceptance time.Time `json:"promised_at_acceptance,omitzero"` // what the 766 view compares with
	Pauses               []Pause   `json:"pauses,omitempty"`
	Paused               bool      `json:"paused"`

	SupplementRequests      int  `json:"supplement_requests"`
	SupplementOutsideWindow bool `json:"supplement_outside_window"` // a request came later than 3 working days after acceptance
	CountsOverdue           bool `json:"counts_overdue"`            // a second supplement request: overdue on the 766 index
	Rescheduled             bool `json:"rescheduled"`
	RescheduleLateNotice    bool `json:"reschedule_late_notice"`
	PaidOnline              bool `json:"paid_online"`

	FinishedAt   time.Time `json:"finished_at,omitzero"` // first terminal instant
	EndReason    string    `json:"end_reason,omitempty"` // of a refusal, stop or withdrawal
	Approved     bool      `json:"approved"`
	Results      []string  `json:"results,omitempty"`
	EResult      bool      `json:"e_result"`
	ReturnedAt   time.Time `json:"returned_at,omitzero"`
	ReturnedTo   string    `json:"returned_to,omitempty"`
	ReturnMethod string    `json:"return_method,omitempty"`
	LastAt       time.Time `json:"last_at,omitzero"` // time of the last event
}

// Visit is one stay of the dossier in a step of its plan. A step visited
// again (sent back) gets its full budget again; a reassignment inside the
// step keeps the visit, its start and its budget.
type Visit struct {
	Step     int       `json:"step"`
	Unit     string    `json:"unit"`
	Assignee string    `json:"assignee,omitempty"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end,omitzero"` // zero while the dossier is in it
}

// PauseKind is why the clock stopped.
type PauseKind string

// Pause kinds.
const (
	PauseSupplement PauseKind = "supplement" // chờ bổ sung hồ sơ
	PausePayment    PauseKind = "payment"    // chờ thực hiện nghĩa vụ tài chính
)

// Pause is one interval during which the dossier waited for the applicant.
// To is zero while it lasts, and stays zero if the dossier ended while waiting.
type Pause struct {
	Kind   PauseKind `json:"kind"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to,omitzero"`
	Reason string    `json:"reason,omitempty"`
	Amount int64     `json:"amount,omitempty"` // payment: đồng
}

// Closed reports whether the dossier is finished for the deadline: refused,
// stopped, withdrawn, resolved or returned.
func (s State) Closed() bool { return s.Status.terminal() }

// PortalKey is the identifier DVCQG files the dossier under: the portal's own
// for an online submission, else the code; "" for a dossier refused or
// guided at the desk before it was ever accepted, which the portal never sees.
func (s State) PortalKey() string {
	if s.PortalRef != "" {
		return s.PortalRef
	}
	return s.Code
}

// Open reports whether the dossier was accepted and is not finished.
func (s State) Open() bool { return !s.AcceptedAt.IsZero() && !s.Closed() }

// Replay folds events into a state.
func Replay(events []Event) (State, error) {
	var s State
	for _, e := range events {
		if err := s.Apply(e); err != nil {
			return State{}, err
		}
	}
	return s, nil
}

// corrupt is the error of an event that cannot follow the state.
func corrupt(s *State, e Event, why string) error {
	return apperr.Newf(apperr.Internal, "Nhật ký hồ sơ không hợp lệ: sự kiện %d (%s) %s.", s.Version+1, e.Type, why)
}

// Apply folds one event into s. It refuses, leaving s unchanged, an event
// that the state machine does not allow (a corrupt log).
func (s *State) Apply(e Event) error {
	if !allowed(s.Status, e.Type) {
		return corrupt(s, e, "không hợp lệ ở trạng thái «"+s.Status.Label()+"»")
	}
	at := e.At.UTC()
	switch {
	case at.Before(s.LastAt):
		return corrupt(s, e, "có thời điểm trước sự kiện liền trước")
	case e.Step != s.current():
		return corrupt(s, e, "ghi sai bước xử lý")
	}
	n := *s
	switch e.Type {
	case EvSubmitted, EvReceived, EvCompletionRequested, EvRefusedAtIntake:
		if s.Status == "" || e.Type == EvReceived {
			if e.Intake == nil || e.Type == EvReceived && (e.Intake.Code == "" || e.Intake.AcceptedAt.IsZero() || len(e.Intake.Procedure.Steps) == 0) {
				return corrupt(s, e, "thiếu thông tin tiếp nhận")
			}
			n.intake(e.Intake)
		}
		switch e.Type {
		case EvCompletionRequested:
			n.Missing = e.Documents
		case EvRefusedAtIntake:
			n.end(at, e.Reason)
		}
	case EvTransferred:
		if e.ToStep < 0 || e.ToStep >= len(s.Procedure.Steps) || e.ToStep != s.Step && e.EffectiveAt.Before(e.At) {
			return corrupt(s, e, "chuyển đến bước không có trong quy trình hoặc thiếu thời điểm bắt đầu bước")
		}
		n.transfer(at, e)
	case EvSupplementRequested:
		if s.SupplementRequests > 0 && !e.Override {
			return corrupt(s, e, "là lần yêu cầu bổ sung thứ hai mà không có phép của lãnh đạo")
		}
		n.SupplementRequests++
		n.CountsOverdue = n.CountsOverdue || e.CountsOverdue
		n.SupplementOutsideWindow = n.SupplementOutsideWindow || e.OutsideWindow
		n.Missing = e.Documents
		n.pause(Pause{Kind: PauseSupplement, From: at, Reason: e.Reason})
	case EvPaymentRequested:
		n.pause(Pause{Kind: PausePayment, From: at, Reason: e.Reason, Amount: e.Amount})
	case EvSupplementReceived, EvPaymentConfirmed:
		n.resume(at)
		n.LegalDue, n.Promised = e.LegalDue.UTC(), e.Promised.UTC()
		if e.Type == EvSupplementReceived {
			n.ClockStart = at
			n.Missing = nil
			n.Documents = append(slices.Clip(n.Documents), e.Documents...)
		}
		n.PaidOnline = n.PaidOnline || e.PaidOnline
	case EvRescheduled:
		if s.Rescheduled || e.Promised.IsZero() {
			return corrupt(s, e, "hẹn lại lần thứ hai hoặc thiếu ngày hẹn mới")
		}
		n.Rescheduled, n.RescheduleLateNotice, n.Promised = true, e.LateNotice, e.Promised.UTC()
	case EvStopped, EvWithdrawn:
		n.end(at, e.Reason)
	case EvResolved:
		n.end(at, e.Reason)
		n.Approved, n.Results, n.EResult = e.Approved, e.Results, e.EResult
	case EvReturned:
		n.ReturnedAt, n.ReturnedTo, n.ReturnMethod = at, e.ReturnedTo, e.ReturnMethod
	}
	if to := edges[e.Type].to; to != "" {
		n.Status = to
	}
	n.Version++
	n.LastAt = at
	*s = n
	return nil
}

// current is the step index events record: -1 before acceptance.
func (s State) current() int {
	if s.AcceptedAt.IsZero() {
		return -1
	}
	return s.Step
}

// intake sets the facts of a submission or an acceptance.
func (s *State) intake(in *Intake) {
	s.Channel, s.Applicant, s.Procedure = in.Channel, in.Applicant, in.Procedure
	s.Procedure.EffectiveFrom = s.Procedure.EffectiveFrom.UTC()
	s.ReceivingUnit, s.Documents = in.Unit, in.Documents
	s.SubmittedAt = in.SubmittedAt.UTC()
	s.PortalRef = in.PortalRef
	s.Step = -1
	if in.AcceptedAt.IsZero() {
		return
	}
	at := in.AcceptedAt.UTC()
	s.Code, s.Secret, s.AcceptedAt, s.ClockStart = in.Code, in.Secret, at, at
	s.LegalDue, s.Promised = in.LegalDue.UTC(), in.Promised.UTC()
	s.OriginalLegalDue, s.PromisedAtAcceptance = s.LegalDue, s.Promised
	s.Missing = nil
	s.Step, s.StepUnit, s.Assignee, s.StepStart = 0, in.Unit, "", at
	s.Visits = []Visit{{Step: 0, Unit: in.Unit, Start: at}}
}

// transfer moves the dossier to e.ToStep, or reassigns it inside its step.
func (s *State) transfer(at time.Time, e Event) {
	s.Transfers++
	s.StepUnit, s.Assignee = e.ToUnit, e.ToUser
	s.Visits = slices.Clone(s.Visits)
	cur := &s.Visits[len(s.Visits)-1]
	if e.ToStep == s.Step {
		cur.Unit, cur.Assignee = e.ToUnit, e.ToUser
		return
	}
	cur.End = at
	start := e.EffectiveAt.UTC()
	s.Step, s.StepStart = e.ToStep, start
	s.Visits = append(s.Visits, Visit{Step: e.ToStep, Unit: e.ToUnit, Assignee: e.ToUser, Start: start})
}

func (s *State) pause(p Pause) {
	s.Pauses = append(slices.Clip(s.Pauses), p)
	s.Paused = true
}

// resume closes the open pause and returns to the status before it.
func (s *State) resume(at time.Time) {
	s.Pauses = slices.Clone(s.Pauses)
	s.Pauses[len(s.Pauses)-1].To = at
	s.Paused = false
	s.Status = Accepted
	if s.Transfers > 0 {
		s.Status = Processing
	}
}

// end records the first terminal instant; an open pause stays unresumed.
func (s *State) end(at time.Time, reason string) {
	s.FinishedAt, s.EndReason, s.Paused = at, reason, false
	if n := len(s.Visits); n > 0 {
		s.Visits = slices.Clone(s.Visits)
		s.Visits[n-1].End = at
	}
}
