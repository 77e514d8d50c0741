package auth

// User is a member of staff who logs in.
type User struct {
	ID           string
	AgencyID     string
	Username     string
	FullName     string
	Email        string
	UnitID       string
	Roles        []Role
	Active       bool
	PasswordHash string
}

// Has reports whether u holds role r.
func (u User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}
