// Package agency describes the receiving agencies (cơ quan) and their
// units (đơn vị: divisions and the one-stop desk), as a tree.
package agency

// Agency is an agency that receives and resolves dossiers, e.g. a
// provincial Department of Education and Training (Sở GDĐT).
type Agency struct {
	ID       string
	Code     string // national unit identifier (mã định danh), e.g. "000.00.08.H44"
	Name     string
	Province string
}

// Kind is what a unit is.
type Kind string

// Unit kinds.
const (
	KindAgency   Kind = "agency"   // the agency's root unit and its leadership
	KindDivision Kind = "division" // phòng chuyên môn
	KindOneStop  Kind = "one_stop" // Bộ phận Một cửa
	KindOffice   Kind = "office"   // Văn phòng
)

// Unit is a node of the agency's unit tree.
type Unit struct {
	ID       string
	ParentID string // "" for the root
	Code     string // short code, unique in the agency
	Name     string
	Kind     Kind
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindAgency, KindDivision, KindOneStop, KindOffice:
		return true
	}
	return false
}
