package auth

import "time"

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
	LockedUntil  time.Time // log-in refused until then after repeated failures
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
