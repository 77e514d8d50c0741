package dossier

// AgencyWide reports whether a sees every dossier of the agency:
// reception, leadership, clerks and administrators do; specialists and
// division heads see their own unit's.
func AgencyWide(a Actor) bool {
	for _, r := range a.Roles {
		if !unitScoped(r) {
			return true
		}
	}
	return false
}

// VisibleTo reports whether a may see the dossier: agency-wide roles always;
// a specialist or division head when the dossier is, or was, in their unit,
// or is assigned to them.
func (s State) VisibleTo(a Actor) bool {
	if AgencyWide(a) || a.UserID != "" && s.Assignee == a.UserID {
		return true
	}
	if a.UnitID == "" {
		return false
	}
	if s.StepUnit == a.UnitID {
		return true
	}
	for _, v := range s.Visits {
		if v.Unit == a.UnitID {
			return true
		}
	}
	return false
}
