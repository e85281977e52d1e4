package ziping

// Actor is who is acting: a signed-in user with the unit of its scope, or the
// system itself (command-line administration on the server) when User is nil.
//
// The authorization predicates live here, once, and every service asks them:
//   - everyone who may see a unit sees its assessments, except viewers, who see
//     only published ones;
//   - the unit's fillers (and admins) edit its data, score and attach evidence while
//     an assessment is a draft or returned, and submit it;
//   - reviewers whose scope lies strictly above the unit (and admins) review a
//     submitted assessment, return or accept it, and publish it; nobody reviews an
//     assessment they submitted themselves (package assess checks that).
type Actor struct {
	User  *User
	Scope *OrgUnit // nil for admins and the system
	IP    string
}

// System is the actor of command-line administration.
var System = &Actor{IP: "cli"}

// IsAdmin reports whether the actor may do everything.
func (a *Actor) IsAdmin() bool { return a.User == nil || a.User.Role == RoleAdmin }

// CanSee reports whether the actor may read unit u's pages and data.
func (a *Actor) CanSee(u *OrgUnit) bool {
	return a.IsAdmin() || (a.Scope != nil && u.InSubtree(a.Scope))
}

// CanEdit reports whether the actor may change unit u's data: admins anywhere,
// fillers within their scope. Reviewers and viewers read only.
func (a *Actor) CanEdit(u *OrgUnit) bool {
	return a.IsAdmin() || (a.User.Role == RoleFiller && a.Scope != nil && u.InSubtree(a.Scope))
}

// CanReview reports whether the actor may review assessments of unit u: admins,
// and reviewers whose scope contains u but is not u itself.
func (a *Actor) CanReview(u *OrgUnit) bool {
	if a.IsAdmin() {
		return true
	}
	return a.User.Role == RoleReviewer && a.Scope != nil && u.InSubtree(a.Scope) && u.ID != a.Scope.ID
}

// CanSeeAssessment reports whether the actor may read assessment as of unit u:
// whoever may see the unit, viewers only once it is published.
func (a *Actor) CanSeeAssessment(u *OrgUnit, as *Assessment) bool {
	if !a.CanSee(u) {
		return false
	}
	return a.User == nil || a.User.Role != RoleViewer || as.Status == StatusPublished
}

// UserID is the acting user's id, 0 for the system: what CreatedBy, UpdatedBy and
// the audit trail record.
func (a *Actor) UserID() int64 {
	if a.User == nil {
		return 0
	}
	return a.User.ID
}

func (a *Actor) username() string {
	if a.User == nil {
		return "system"
	}
	return a.User.Username
}
