// Package dossier is the lifecycle of a dossier (hồ sơ): commands are
// checked against the current state and the actor's role and yield events;
// events replay into the state; the state and the calendar give the clock.
// It is pure: no SQL, no HTTP, no clock of its own. The current time, the
// calendar, the procedure version, the allocated code and the lookup secret
// come in through an Env.
package dossier

import (
	"slices"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/procedure"
)

// Channel is how the dossier was submitted (kênh thực hiện), numbered as on DVCQG.
type Channel int

// Channels.
const (
	InPerson Channel = 1 // trực tiếp
	Online   Channel = 2 // trực tuyến
	Post     Channel = 3 // bưu chính công ích
)

// Valid reports whether c is one of the three channels.
func (c Channel) Valid() bool { return c >= InPerson && c <= Post }

// Paper reports whether the dossier arrived on paper (in person or by post),
// the dossiers subject to the 15:00 rule of Decree 61 art. 18(2).
func (c Channel) Paper() bool { return c == InPerson || c == Post }

// Applicant is who the dossier is for (chủ hồ sơ). Kind is 1 citizen, 2 business.
type Applicant struct {
	Kind         int    `json:"kind"`
	Name         string `json:"name"`
	IDNumber     string `json:"id_number,omitempty"` // CCCD or business registration number; never logged
	Phone        string `json:"phone,omitempty"`     // never logged
	Email        string `json:"email,omitempty"`
	Address      string `json:"address,omitempty"`
	Organisation string `json:"organisation,omitempty"`
}

// Document is one document of the dossier (thành phần hồ sơ).
type Document struct {
	Name      string `json:"name"`
	Copies    int    `json:"copies"`
	Original  bool   `json:"original"`  // bản chính (else bản sao)
	Digitised bool   `json:"digitised"` // scanned into the system (DuocSoHoa)
}

// Actor is who issues a command.
type Actor struct {
	UserID string
	Name   string
	UnitID string
	Roles  []auth.Role
}

// Has reports whether a holds role r.
func (a Actor) Has(r auth.Role) bool { return slices.Contains(a.Roles, r) }

// ProcedureRef is the procedure version a dossier fixes when it is received.
// Its Version (the number) shadows the embedded procedure.Version (the content),
// whose fields are promoted: ref.Legal, ref.Steps, ref.Name.
type ProcedureRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	procedure.Procedure
}

// EventType names an event.
type EventType string

// Event types, one per command outcome.
const (
	EvSubmitted           EventType = "submitted"
	EvCompletionRequested EventType = "completion_requested"
	EvRefusedAtIntake     EventType = "refused_at_intake"
	EvReceived            EventType = "received"
	EvTransferred         EventType = "transferred"
	EvSupplementRequested EventType = "supplement_requested"
	EvSupplementReceived  EventType = "supplement_received"
	EvPaymentRequested    EventType = "payment_requested"
	EvPaymentConfirmed    EventType = "payment_confirmed"
	EvRescheduled         EventType = "rescheduled"
	EvStopped             EventType = "stopped"
	EvWithdrawn           EventType = "withdrawn"
	EvResolved            EventType = "resolved"
	EvReturned            EventType = "returned"
)

// Event is an append-only fact (nhật ký xử lý). Only the fields of its type
// are set. Decide writes every instant in UTC, so an event survives a
// json.Marshal / json.Unmarshal round trip unchanged.
type Event struct {
	Type      EventType `json:"type"`
	At        time.Time `json:"at"`         // when it happened (business time)
	Actor     string    `json:"actor"`      // user ID ("" for the system or the portal)
	ActorName string    `json:"actor_name"` // display name at the time
	Unit      string    `json:"unit"`       // the actor's unit ID
	Step      int       `json:"step"`       // index of the step the dossier was in; -1 before acceptance

	Reason    string     `json:"reason,omitempty"`
	Documents []Document `json:"documents,omitempty"` // received, or missing (completion and supplement requests)

	// submitted, received, and the intake refusals of a new dossier: the intake facts.
	Intake *Intake `json:"intake,omitempty"`

	// transferred
	ToStep      int       `json:"to_step,omitempty"`
	ToUnit      string    `json:"to_unit,omitempty"`
	ToUser      string    `json:"to_user,omitempty"`
	EffectiveAt time.Time `json:"effective_at,omitzero"` // start of the next step; the 15:00 rule may defer it

	// supplement_requested
	Override      bool `json:"override,omitempty"`       // a leader allowed a second request
	CountsOverdue bool `json:"counts_overdue,omitempty"` // the 766 index counts this dossier as overdue
	OutsideWindow bool `json:"outside_window,omitempty"` // requested later than 3 working days after acceptance

	// supplement_received (the legal clock restarts from zero), payment_confirmed
	// (both move by the paused working minutes) and rescheduled (Promised only).
	LegalDue time.Time `json:"legal_due,omitzero"`
	Promised time.Time `json:"promised,omitzero"`

	// payment_requested, payment_confirmed
	Amount     int64 `json:"amount,omitempty"` // đồng
	PaidOnline bool  `json:"paid_online,omitempty"`

	// rescheduled: sent later than one working day before the legal due.
	LateNotice bool `json:"late_notice,omitempty"`

	// resolved
	Approved bool     `json:"approved,omitempty"`
	Results  []string `json:"results,omitempty"` // result documents
	EResult  bool     `json:"e_result,omitempty"`

	// returned
	ReturnedTo   string `json:"returned_to,omitempty"`
	ReturnMethod string `json:"return_method,omitempty"`
}

// Intake holds the facts fixed when the dossier is submitted or received.
type Intake struct {
	Code        string       `json:"code,omitempty"` // mã hồ sơ, set on acceptance
	Channel     Channel      `json:"channel"`
	Applicant   Applicant    `json:"applicant"`
	Procedure   ProcedureRef `json:"procedure"`
	SubmittedAt time.Time    `json:"submitted_at"`
	AcceptedAt  time.Time    `json:"accepted_at,omitzero"`
	Documents   []Document   `json:"documents,omitempty"`
	LegalDue    time.Time    `json:"legal_due,omitzero"`   // zero when the procedure has no legal duration
	Promised    time.Time    `json:"promised,omitzero"`    // ngày hẹn trả
	Secret      string       `json:"secret,omitempty"`     // for the citizen's public lookup
	Unit        string       `json:"unit"`                 // receiving unit ID
	PortalRef   string       `json:"portal_ref,omitempty"` // DVCQG's identifier of an online submission
}
