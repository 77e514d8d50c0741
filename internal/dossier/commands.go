package dossier

import "time"

// Command is a request to change a dossier. The concrete commands are the
// structs below, passed by value; the API decodes request bodies into them.
// Times the actor does not give come from Env.Now.
type Command interface{ Name() string }

// Submit records an online dossier arriving from the portal (DVCQG status 1).
// No clock runs until Receive. The procedure comes from Env.Procedure.
type Submit struct {
	Applicant   Applicant  `json:"applicant"`
	SubmittedAt time.Time  `json:"submitted_at,omitzero"` // default Env.Now
	Documents   []Document `json:"documents,omitempty"`
	Unit        string     `json:"unit,omitempty"` // the unit addressed; default the actor's unit
	// PortalRef is the portal's identifier of a dossier submitted on DVCQG
	// (MaHoSoQG): the dossier is filed under it there.
	PortalRef string `json:"portal_ref,omitempty"`
}

// Receive implements "tiếp nhận hồ sơ": the dossier is accepted, gets its
// code (Env.Code) and lookup secret (Env.Secret), fixes its procedure version
// (Env.Procedure) and its legal due instant. For a Submitted or
// CompletionRequested dossier, empty fields keep what was submitted.
type Receive struct {
	Channel     Channel    `json:"channel"`
	Applicant   Applicant  `json:"applicant"`
	SubmittedAt time.Time  `json:"submitted_at,omitzero"` // default AcceptedAt
	AcceptedAt  time.Time  `json:"accepted_at,omitzero"`  // default Env.Now
	Documents   []Document `json:"documents,omitempty"`   // documents received, with their "digitised" flags
}

// RefuseAtIntake implements "từ chối tiếp nhận" (Phiếu từ chối, Mẫu 03).
// Channel, Applicant and Documents are needed only for a new dossier.
type RefuseAtIntake struct {
	Channel   Channel    `json:"channel,omitempty"`
	Applicant Applicant  `json:"applicant"`
	Documents []Document `json:"documents,omitempty"`
	Reason    string     `json:"reason"`
}

// RequestCompletion implements "hướng dẫn bổ sung, hoàn thiện hồ sơ" at
// intake, before acceptance (Mẫu 02): no clock runs. Channel and Applicant
// are needed only for a new dossier.
type RequestCompletion struct {
	Channel   Channel    `json:"channel,omitempty"`
	Applicant Applicant  `json:"applicant"`
	Missing   []Document `json:"missing,omitempty"`
	Reason    string     `json:"reason"`
}

// Transfer implements "chuyển bước": to the next step of the plan, back to an
// earlier one, or (same step) a reassignment. ToUnit is required when the
// step changes; the service layer fills it from the named officer's unit.
type Transfer struct {
	ToStep int    `json:"to_step"` // index into the procedure's step plan
	ToUnit string `json:"to_unit,omitempty"`
	ToUser string `json:"to_user,omitempty"`
	Note   string `json:"note,omitempty"`
}

// RequestSupplement implements "yêu cầu bổ sung" during appraisal (Decree 61
// art. 19(4)): once, within 3 working days of acceptance. A second request
// needs a Leadership actor with Override and a reason.
type RequestSupplement struct {
	Reason   string     `json:"reason"`
	Missing  []Document `json:"missing"`
	Override bool       `json:"override,omitempty"`
}

// ReceiveSupplement records the complete dossier back from the applicant:
// "thời hạn giải quyết được tính lại từ đầu".
type ReceiveSupplement struct {
	Documents []Document `json:"documents,omitempty"`
}

// RequestPayment implements "yêu cầu thực hiện nghĩa vụ tài chính": the
// clock pauses until ConfirmPayment.
type RequestPayment struct {
	Amount int64  `json:"amount"` // đồng
	Reason string `json:"reason,omitempty"`
}

// ConfirmPayment records that the fees or taxes were paid.
type ConfirmPayment struct {
	PaidOnline bool `json:"paid_online,omitempty"`
}

// Reschedule implements "xin lỗi và hẹn lại ngày trả kết quả" (Decree 61
// art. 19(9), Mẫu 04): once, at least one working day before the legal due.
type Reschedule struct {
	Promised   time.Time `json:"promised"` // the new ngày hẹn trả
	Reason     string    `json:"reason"`
	LateNotice bool      `json:"late_notice,omitempty"` // sent later than the rule allows, knowingly
}

// Stop implements "dừng xử lý" (Thông báo dừng giải quyết hồ sơ, Mẫu 05).
type Stop struct {
	Reason string `json:"reason"`
}

// Withdraw implements "rút hồ sơ" at the applicant's request.
type Withdraw struct {
	Reason string `json:"reason"`
}

// Resolve implements "đã xử lý xong": approved with its result documents, or
// refused with a reason (Phiếu từ chối giải quyết).
type Resolve struct {
	Approved bool     `json:"approved"`
	Results  []string `json:"results,omitempty"`
	EResult  bool     `json:"e_result,omitempty"` // an electronic result was issued
	Reason   string   `json:"reason,omitempty"`
}

// Return implements "trả kết quả": to whom and how.
type Return struct {
	To     string `json:"to"`
	Method string `json:"method"` // e.g. "trực tiếp", "bưu chính", "trực tuyến"
}

// Command names.
func (Submit) Name() string            { return "submit" }
func (Receive) Name() string           { return "receive" }
func (RefuseAtIntake) Name() string    { return "refuse_at_intake" }
func (RequestCompletion) Name() string { return "request_completion" }
func (Transfer) Name() string          { return "transfer" }
func (RequestSupplement) Name() string { return "request_supplement" }
func (ReceiveSupplement) Name() string { return "receive_supplement" }
func (RequestPayment) Name() string    { return "request_payment" }
func (ConfirmPayment) Name() string    { return "confirm_payment" }
func (Reschedule) Name() string        { return "reschedule" }
func (Stop) Name() string              { return "stop" }
func (Withdraw) Name() string          { return "withdraw" }
func (Resolve) Name() string           { return "resolve" }
func (Return) Name() string            { return "return" }
