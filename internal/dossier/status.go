package dossier

import "slices"

// Status is the dossier's state in our state machine. The portal's
// TrangThaiHoSo code is an output mapping (Status.PortalCode). The zero
// Status ("") is a dossier that does not exist yet.
type Status string

// Statuses.
const (
	Submitted           Status = "submitted"            // online, awaiting acceptance (1 Mới đăng ký)
	CompletionRequested Status = "completion_requested" // intake guidance to complete, no clock (1)
	NotAccepted         Status = "not_accepted"         // từ chối tiếp nhận (3)
	Accepted            Status = "accepted"             // accepted, still at the reception step (2)
	Processing          Status = "processing"           // being handled (4)
	SupplementRequested Status = "supplement_requested" // waiting for the applicant (5)
	PaymentRequested    Status = "payment_requested"    // waiting for fees or taxes (6)
	Withdrawn           Status = "withdrawn"            // rút hồ sơ at the applicant's request (7)
	Stopped             Status = "stopped"              // dừng xử lý (8)
	Resolved            Status = "resolved"             // đã xử lý xong (9)
	Returned            Status = "returned"             // đã trả kết quả (10)
)

// PortalCode is the DVCQG TrangThaiHoSo code (1–10, domain-vn §3.3); 0 for
// the zero Status.
func (s Status) PortalCode() int {
	switch s {
	case Submitted, CompletionRequested:
		return 1
	case Accepted:
		return 2
	case NotAccepted:
		return 3
	case Processing:
		return 4
	case SupplementRequested:
		return 5
	case PaymentRequested:
		return 6
	case Withdrawn:
		return 7
	case Stopped:
		return 8
	case Resolved:
		return 9
	case Returned:
		return 10
	}
	return 0
}

// Label is the Vietnamese name of the status, as shown to users and on DVCQG.
func (s Status) Label() string {
	switch s {
	case "":
		return "Chưa có hồ sơ"
	case Submitted:
		return "Mới đăng ký"
	case CompletionRequested:
		return "Đã hướng dẫn bổ sung, hoàn thiện hồ sơ"
	case NotAccepted:
		return "Không được tiếp nhận"
	case Accepted:
		return "Được tiếp nhận"
	case Processing:
		return "Đang xử lý"
	case SupplementRequested:
		return "Yêu cầu bổ sung giấy tờ"
	case PaymentRequested:
		return "Yêu cầu thực hiện nghĩa vụ tài chính"
	case Withdrawn:
		return "Công dân yêu cầu rút hồ sơ"
	case Stopped:
		return "Dừng xử lý"
	case Resolved:
		return "Đã xử lý xong"
	case Returned:
		return "Đã trả kết quả"
	}
	return string(s)
}

// terminal reports whether no command but Return (after Resolved) applies any more.
func (s Status) terminal() bool {
	switch s {
	case NotAccepted, Withdrawn, Stopped, Resolved, Returned:
		return true
	}
	return false
}

// edge is the legal transition of one event type: the statuses it may
// follow, and the status it leads to ("" means: unchanged, or for the end of
// a pause the status before the pause).
type edge struct {
	from []Status
	to   Status
}

// edges is the state machine. Decide refuses a command whose event has no
// edge from the current status; Apply refuses such an event as a corrupt log.
var edges = map[EventType]edge{
	EvSubmitted:           {[]Status{""}, Submitted},
	EvCompletionRequested: {[]Status{"", Submitted}, CompletionRequested},
	EvRefusedAtIntake:     {[]Status{"", Submitted, CompletionRequested}, NotAccepted},
	EvReceived:            {[]Status{"", Submitted, CompletionRequested}, Accepted},
	EvTransferred:         {[]Status{Accepted, Processing}, Processing},
	EvSupplementRequested: {[]Status{Accepted, Processing}, SupplementRequested},
	EvSupplementReceived:  {[]Status{SupplementRequested}, ""},
	EvPaymentRequested:    {[]Status{Accepted, Processing}, PaymentRequested},
	EvPaymentConfirmed:    {[]Status{PaymentRequested}, ""},
	EvRescheduled:         {[]Status{Accepted, Processing}, ""},
	EvStopped:             {[]Status{Accepted, Processing, SupplementRequested, PaymentRequested}, Stopped},
	EvWithdrawn:           {[]Status{Submitted, CompletionRequested, Accepted, Processing, SupplementRequested, PaymentRequested}, Withdrawn},
	EvResolved:            {[]Status{Accepted, Processing}, Resolved},
	EvReturned:            {[]Status{Resolved}, Returned},
}

// allowed reports whether an event of type t may follow status s.
func allowed(s Status, t EventType) bool {
	e, ok := edges[t]
	return ok && slices.Contains(e.from, s)
}
