// Package auth holds roles and password hashing. It is pure: randomness is injected.
package auth

// Role is what a user does in the agency (vai trò).
type Role string

// The roles of DESIGN §2.
const (
	Reception    Role = "reception"     // cán bộ Bộ phận Một cửa
	Specialist   Role = "specialist"    // chuyên viên thụ lý
	DivisionHead Role = "division_head" // lãnh đạo phòng
	Leadership   Role = "leadership"    // lãnh đạo Sở
	Clerk        Role = "clerk"         // văn thư
	Admin        Role = "admin"         // quản trị
)

// Roles lists every role in the order of a dossier's journey.
var Roles = []Role{Reception, Specialist, DivisionHead, Leadership, Clerk, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Label is the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case Reception:
		return "Cán bộ Bộ phận Một cửa"
	case Specialist:
		return "Chuyên viên thụ lý"
	case DivisionHead:
		return "Lãnh đạo phòng"
	case Leadership:
		return "Lãnh đạo Sở"
	case Clerk:
		return "Văn thư"
	case Admin:
		return "Quản trị hệ thống"
	}
	return string(r)
}
