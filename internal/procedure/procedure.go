// Package procedure is the catalogue of administrative procedures (thủ tục
// hành chính): their versions, legal durations and internal step plans.
// It is pure: no SQL, no HTTP, no clock.
package procedure

import (
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// OnlineLevel is how far a procedure can be done online.
type OnlineLevel string

// Online levels (toàn trình / một phần / none).
const (
	OnlineFull    OnlineLevel = "full"
	OnlinePartial OnlineLevel = "partial"
	OnlineNone    OnlineLevel = "none"
)

// Procedure is one catalogue entry with the version that an import or a
// lookup is about. Key is the stable identity across versions.
type Procedure struct {
	Key  string // stable key within the agency (the source's local id, e.g. "edu-001")
	Code string // national TTHC code, e.g. "2.001914.000.00.00.H50"; may be empty
	Version
}

// Version is the content of a procedure that a dossier fixes when it is received.
type Version struct {
	Name      string
	Field     string // lĩnh vực
	FieldCode string // e.g. "G03-GD14"; may be empty
	Level     string // "provincial", "commune" or ""
	// Legal is the legal duration; nil means the source gives none ("none"):
	// such a procedure is flagged and never given an invented duration.
	Legal             *calendar.Duration
	DurationText      string
	Online            OnlineLevel
	Fee               string
	RequiredDocuments []string
	EffectiveFrom     time.Time // start of validity; zero means "since always"
	Source            string
	Steps             []Step
	StepsGenerated    bool // true when Steps is the default plan, not a published one
}

// Step is one step of the internal plan (quy trình nội bộ).
type Step struct {
	Role   auth.Role
	Actor  string // the unit or body that does the step, as written in the source
	Budget int    // working minutes; 0 means untimed (e.g. returning the result)
	// External is true when the step happens outside the agency (UBND tỉnh,
	// another Sở, a school). An external step has no Role; its budget still
	// counts against the legal duration.
	External bool
	Note     string // the source's remark on the step, e.g. "giờ hành chính"; may be empty
}
