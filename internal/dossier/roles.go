package dossier

import (
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// rule is who may issue a command, the event it yields and how messages name it.
type rule struct {
	action string // Vietnamese verb phrase, e.g. "chuyển bước xử lý"
	event  EventType
	roles  []auth.Role
	anyone bool // no role needed (the portal integration)
	holder bool // the holder of the current step may also issue it
	desk   bool // Reception may also issue it while the dossier is at its first step
}

// overrideSupplement is the rule of a second supplement request.
const overrideSupplement = "request_supplement_override"

// rules is the role table. Specialist and DivisionHead act only on dossiers
// whose current step is in their unit (Actor.UnitID == State.StepUnit);
// Reception, Leadership and Clerk act agency-wide. The holder of the current
// step is its assignee, or a user with the step's role in the step's unit.
//
//	command                      roles                                   also
//	submit                       anyone (the portal integration)
//	receive                      Reception
//	refuse_at_intake             Reception
//	request_completion           Reception
//	transfer                     DivisionHead, Leadership                the step's holder; Reception at the first step
//	request_supplement           Specialist, DivisionHead
//	  a second one (override)    Leadership
//	receive_supplement           Reception
//	request_payment              Reception, Specialist
//	confirm_payment              Reception, Specialist
//	reschedule                   DivisionHead, Leadership
//	stop                         DivisionHead, Leadership
//	withdraw                     Reception
//	resolve                      Leadership, DivisionHead, Clerk
//	return                       Reception, Clerk
var rules = map[string]rule{
	"submit":             {action: "nộp hồ sơ trực tuyến", event: EvSubmitted, anyone: true},
	"receive":            {action: "tiếp nhận hồ sơ", event: EvReceived, roles: []auth.Role{auth.Reception}},
	"refuse_at_intake":   {action: "từ chối tiếp nhận hồ sơ", event: EvRefusedAtIntake, roles: []auth.Role{auth.Reception}},
	"request_completion": {action: "hướng dẫn bổ sung, hoàn thiện hồ sơ", event: EvCompletionRequested, roles: []auth.Role{auth.Reception}},
	"transfer":           {action: "chuyển bước xử lý", event: EvTransferred, roles: []auth.Role{auth.DivisionHead, auth.Leadership}, holder: true, desk: true},
	"request_supplement": {action: "yêu cầu bổ sung hồ sơ", event: EvSupplementRequested, roles: []auth.Role{auth.Specialist, auth.DivisionHead}},
	overrideSupplement:   {action: "cho phép yêu cầu bổ sung lần thứ hai", event: EvSupplementRequested, roles: []auth.Role{auth.Leadership}},
	"receive_supplement": {action: "nhận hồ sơ bổ sung", event: EvSupplementReceived, roles: []auth.Role{auth.Reception}},
	"request_payment":    {action: "yêu cầu thực hiện nghĩa vụ tài chính", event: EvPaymentRequested, roles: []auth.Role{auth.Reception, auth.Specialist}},
	"confirm_payment":    {action: "xác nhận đã thực hiện nghĩa vụ tài chính", event: EvPaymentConfirmed, roles: []auth.Role{auth.Reception, auth.Specialist}},
	"reschedule":         {action: "xin lỗi và hẹn lại ngày trả kết quả", event: EvRescheduled, roles: []auth.Role{auth.DivisionHead, auth.Leadership}},
	"stop":               {action: "dừng xử lý hồ sơ", event: EvStopped, roles: []auth.Role{auth.DivisionHead, auth.Leadership}},
	"withdraw":           {action: "rút hồ sơ", event: EvWithdrawn, roles: []auth.Role{auth.Reception}},
	"resolve":            {action: "ghi nhận đã xử lý xong", event: EvResolved, roles: []auth.Role{auth.Leadership, auth.DivisionHead, auth.Clerk}},
	"return":             {action: "trả kết quả", event: EvReturned, roles: []auth.Role{auth.Reception, auth.Clerk}},
}

// unitScoped reports whether role r acts only inside its own unit.
func unitScoped(r auth.Role) bool { return r == auth.Specialist || r == auth.DivisionHead }

// authorize checks a's roles and unit against the rule named name.
func authorize(s State, name string, a Actor) error {
	r := rules[name]
	// The desk passes on what it has just received (Decree 61 art. 18),
	// even when the published plan's first step is not a reception step.
	if r.anyone || r.holder && s.holds(a) || r.desk && s.Step == 0 && a.Has(auth.Reception) {
		return nil
	}
	otherUnit := false
	for _, role := range r.roles {
		if !a.Has(role) {
			continue
		}
		if !unitScoped(role) || s.StepUnit != "" && a.UnitID == s.StepUnit {
			return nil
		}
		otherUnit = true
	}
	if otherUnit {
		return apperr.Newf(apperr.Forbidden, "Hồ sơ đang ở bước xử lý của đơn vị khác; bạn chỉ được %s hồ sơ đang ở đơn vị mình.", r.action)
	}
	who := make([]string, 0, len(r.roles)+1)
	for _, role := range r.roles {
		who = append(who, role.Label())
	}
	if r.holder {
		who = append(who, "người đang xử lý bước hiện tại")
	}
	return apperr.Newf(apperr.Forbidden, "Bạn không có quyền %s. Người được phép: %s.", r.action, strings.Join(who, ", "))
}

// holds reports whether a holds the current step: its assignee, or a user
// with the step's role in the step's unit.
func (s State) holds(a Actor) bool {
	if s.AcceptedAt.IsZero() || s.Step < 0 || s.Step >= len(s.Procedure.Steps) {
		return false
	}
	if a.UserID != "" && a.UserID == s.Assignee {
		return true
	}
	role := s.Procedure.Steps[s.Step].Role
	return role != "" && a.Has(role) && s.StepUnit != "" && a.UnitID == s.StepUnit
}
