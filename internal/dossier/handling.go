package dossier

import (
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
)

// transferCutoff is the 15:00 rule (Decree 61 art. 18(2)): a paper dossier is
// passed on "trong ngày làm việc hoặc chuyển vào đầu giờ ngày làm việc tiếp
// theo đối với trường hợp tiếp nhận sau 15 giờ", in minutes after midnight.
const transferCutoff = 15 * 60

// supplementWindow is the period after acceptance within which a supplement
// must be requested (Decree 61 art. 19(4): "trong thời hạn 03 ngày làm việc").
var supplementWindow = calendar.Duration{Value: 3, Unit: calendar.WorkingDays}

// transfer implements "chuyển bước": to the next step, back to an earlier
// one, or a reassignment inside the current step (no new step starts).
func (d *decision) transfer(c Transfer) (Event, error) {
	if err := d.gate("transfer"); err != nil {
		return Event{}, err
	}
	s := d.s
	if c.ToStep < 0 || c.ToStep >= len(s.Procedure.Steps) {
		return Event{}, apperr.Newf(apperr.Invalid, "Bước chuyển đến không có trong quy trình nội bộ (từ bước 1 đến bước %d).", len(s.Procedure.Steps))
	}
	if c.ToStep > s.Step+1 {
		return Event{}, apperr.Newf(apperr.Conflict, "Chỉ được chuyển sang bước kế tiếp (bước %d) hoặc trả về một bước trước, không được bỏ qua bước.", s.Step+2)
	}
	unit, user := clean(c.ToUnit), clean(c.ToUser)
	e := d.event(EvTransferred)
	if c.ToStep == s.Step {
		if unit == "" {
			unit = s.StepUnit
		}
		if user == s.Assignee && unit == s.StepUnit {
			return Event{}, apperr.New(apperr.Invalid, "Cần chọn cán bộ hoặc đơn vị khác để giao lại hồ sơ trong cùng bước.")
		}
	} else {
		if unit == "" {
			return Event{}, apperr.New(apperr.Invalid, "Cần chọn đơn vị nhận hồ sơ ở bước tiếp theo.")
		}
		e.EffectiveAt = d.at
		if s.Step == 0 && s.Channel.Paper() && d.afterCutoff() {
			e.EffectiveAt = d.cal.NextOpening(d.cal.NextWorkingDay(d.at)).UTC()
		}
	}
	e.ToStep, e.ToUnit, e.ToUser, e.Reason = c.ToStep, unit, user, clean(c.Note)
	return e, nil
}

// afterCutoff reports whether now is at or after 15:00, or on a day off.
func (d *decision) afterCutoff() bool {
	working, _ := d.cal.IsWorkingDay(d.at)
	t := d.at.In(calendar.Zone)
	return !working || t.Hour()*60+t.Minute() >= transferCutoff
}

// requestSupplement implements "yêu cầu bổ sung" during appraisal: once; a
// second request only on a leader's override, which makes the dossier count
// as overdue on the 766 index.
func (d *decision) requestSupplement(c RequestSupplement) (Event, error) {
	if err := d.state("request_supplement"); err != nil {
		return Event{}, err
	}
	second := d.s.SupplementRequests > 0
	name, why := "request_supplement", "Cần nêu lý do yêu cầu bổ sung hồ sơ."
	if second {
		if !c.Override {
			return Event{}, apperr.New(apperr.Conflict, "Hồ sơ đã được yêu cầu bổ sung một lần. Theo quy định chỉ yêu cầu bổ sung một lần; lãnh đạo có thể cho phép với lý do cụ thể.")
		}
		name, why = overrideSupplement, "Lãnh đạo cần nêu lý do cụ thể khi cho phép yêu cầu bổ sung lần thứ hai."
	}
	if err := authorize(d.s, name, d.a); err != nil {
		return Event{}, err
	}
	reason, err := required(c.Reason, why)
	if err != nil {
		return Event{}, err
	}
	missing, err := cleanDocs(c.Missing)
	if err != nil {
		return Event{}, err
	}
	if len(missing) == 0 {
		return Event{}, apperr.New(apperr.Invalid, "Cần liệt kê các giấy tờ phải bổ sung.")
	}
	window, err := d.cal.Due(d.s.AcceptedAt, supplementWindow)
	if err != nil {
		return Event{}, err
	}
	e := d.event(EvSupplementRequested)
	e.Reason, e.Documents = reason, missing
	e.Override, e.CountsOverdue = second, second
	e.OutsideWindow = d.at.After(window)
	return e, nil
}

// receiveSupplement: "thời hạn giải quyết được tính lại từ đầu sau khi nhận
// đủ hồ sơ" — the legal due restarts from now and the promised date follows
// it, even after a reschedule (which stays spent: once per dossier).
func (d *decision) receiveSupplement(c ReceiveSupplement) (Event, error) {
	if err := d.gate("receive_supplement"); err != nil {
		return Event{}, err
	}
	docs, err := cleanDocs(c.Documents)
	if err != nil {
		return Event{}, err
	}
	e := d.event(EvSupplementReceived)
	e.Documents = docs
	if legal := d.s.Procedure.Legal; legal != nil {
		due, err := d.cal.Due(d.at, *legal)
		if err != nil {
			return Event{}, err
		}
		e.LegalDue, e.Promised = due.UTC(), due.UTC()
	}
	return e, nil
}

// requestPayment implements "yêu cầu thực hiện nghĩa vụ tài chính".
func (d *decision) requestPayment(c RequestPayment) (Event, error) {
	if err := d.gate("request_payment"); err != nil {
		return Event{}, err
	}
	if c.Amount <= 0 {
		return Event{}, apperr.New(apperr.Invalid, "Số tiền nghĩa vụ tài chính phải lớn hơn 0.")
	}
	e := d.event(EvPaymentRequested)
	e.Amount, e.Reason = c.Amount, clean(c.Reason)
	return e, nil
}

// confirmPayment ends a payment pause: unlike a supplement, the clock does
// not restart; the legal due and the promised date move later by the
// working minutes paused.
func (d *decision) confirmPayment(c ConfirmPayment) (Event, error) {
	if err := d.gate("confirm_payment"); err != nil {
		return Event{}, err
	}
	m := d.cal.WorkingMinutes(d.s.Pauses[len(d.s.Pauses)-1].From, d.at)
	e := d.event(EvPaymentConfirmed)
	e.LegalDue, e.Promised = d.shift(d.s.LegalDue, m), d.shift(d.s.Promised, m)
	e.PaidOnline = c.PaidOnline
	return e, nil
}

// reschedule implements "xin lỗi và hẹn lại ngày trả kết quả" (Decree 61
// art. 19(9)): "chậm nhất một ngày trước ngày hết hạn", "không quá một lần".
// It moves the promised date, never the legal due instant. Sent late, it is
// refused unless LateNotice says the sender knows, and then recorded as late.
func (d *decision) reschedule(c Reschedule) (Event, error) {
	if err := d.state("reschedule"); err != nil {
		return Event{}, err
	}
	switch {
	case d.s.Rescheduled:
		return Event{}, apperr.New(apperr.Conflict, "Hồ sơ đã được hẹn lại ngày trả kết quả một lần. Theo quy định, việc hẹn lại chỉ được thực hiện không quá một lần.")
	case d.s.LegalDue.IsZero():
		return Event{}, apperr.New(apperr.Conflict, "Thủ tục không quy định thời hạn giải quyết nên hồ sơ không có hạn để hẹn lại.")
	}
	if err := authorize(d.s, "reschedule", d.a); err != nil {
		return Event{}, err
	}
	reason, err := required(c.Reason, "Cần nêu lý do xin lỗi và hẹn lại ngày trả kết quả.")
	if err != nil {
		return Event{}, err
	}
	promised := c.Promised.UTC()
	switch {
	case promised.IsZero():
		return Event{}, apperr.New(apperr.Invalid, "Cần chọn ngày hẹn trả kết quả mới.")
	case !promised.After(d.s.Promised):
		return Event{}, apperr.Newf(apperr.Invalid, "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại (%s).", vnTime(d.s.Promised))
	}
	limit := d.lastNotice()
	late := d.at.After(limit)
	if late && !c.LateNotice {
		return Event{}, apperr.Newf(apperr.Conflict, "Đã quá thời hạn xin lỗi và hẹn lại: theo quy định phải thực hiện chậm nhất một ngày làm việc trước hạn giải quyết, tức trước %s. Nếu vẫn gửi văn bản xin lỗi, hãy đánh dấu là thông báo muộn.", vnTime(limit))
	}
	e := d.event(EvRescheduled)
	e.Promised, e.Reason, e.LateNotice = promised, reason, late
	return e, nil
}

// lastNotice is the end of the last working day before the legal due day.
func (d *decision) lastNotice() time.Time { return RescheduleDeadline(d.s, d.cal) }

// end implements Stop ("dừng xử lý") and Withdraw ("rút hồ sơ"): both need a reason.
func (d *decision) end(name, reason, missing string) (Event, error) {
	if err := d.gate(name); err != nil {
		return Event{}, err
	}
	reason, err := required(reason, missing)
	if err != nil {
		return Event{}, err
	}
	e := d.event(rules[name].event)
	e.Reason = reason
	return e, nil
}

// resolve implements "đã xử lý xong": approved with results, or refused with a reason.
func (d *decision) resolve(c Resolve) (Event, error) {
	if err := d.gate("resolve"); err != nil {
		return Event{}, err
	}
	results, err := cleanList(c.Results, "kết quả giải quyết")
	if err != nil {
		return Event{}, err
	}
	reason := clean(c.Reason)
	switch {
	case c.Approved && len(results) == 0:
		return Event{}, apperr.New(apperr.Invalid, "Cần có ít nhất một văn bản kết quả giải quyết.")
	case !c.Approved && reason == "":
		return Event{}, apperr.New(apperr.Invalid, "Cần nêu lý do từ chối giải quyết hồ sơ.")
	}
	e := d.event(EvResolved)
	e.Approved, e.Results, e.EResult, e.Reason = c.Approved, results, c.EResult, reason
	return e, nil
}

// giveBack implements "trả kết quả", only after the dossier was resolved.
func (d *decision) giveBack(c Return) (Event, error) {
	if err := d.gate("return"); err != nil {
		return Event{}, err
	}
	to, err := required(c.To, "Cần ghi người nhận kết quả.")
	if err != nil {
		return Event{}, err
	}
	method, err := required(c.Method, "Cần ghi hình thức trả kết quả.")
	if err != nil {
		return Event{}, err
	}
	e := d.event(EvReturned)
	e.ReturnedTo, e.ReturnMethod = to, method
	return e, nil
}
