package ziping_test

import (
	"testing"

	"ziping"
	"ziping/account"
	"ziping/servicetest"
)

func TestAuthorizationByScope(t *testing.T) {
	f := servicetest.New(t)
	f.User(t, "reviewer1", ziping.RoleReviewer, "990100")
	f.User(t, "county2", ziping.RoleFiller, "990102")
	f.User(t, "viewer3", ziping.RoleViewer, "990121")
	unit := func(code string) *ziping.OrgUnit {
		u, err := f.Store.UnitByCode(f.Ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	rev, filler, viewer := f.Actor(t, "reviewer1"), f.Actor(t, "county2"), f.Actor(t, "viewer3")
	for _, tc := range []struct {
		who       string
		a         *ziping.Actor
		code      string
		see, edit bool
	}{
		{"reviewer, own city", rev, "990100", true, false},
		{"reviewer, county below", rev, "990121", true, false},
		{"reviewer, province above", rev, "990000", false, false},
		{"filler, own county", filler, "990102", true, true},
		{"filler, another county", filler, "990121", false, false},
		{"filler, the city above", filler, "990100", false, false},
		{"viewer, own county", viewer, "990121", true, false},
		{"system", ziping.System, "990000", true, true},
	} {
		u := unit(tc.code)
		if tc.a.CanSee(u) != tc.see || tc.a.CanEdit(u) != tc.edit {
			t.Errorf("%s on %s: see=%v edit=%v, want %v %v", tc.who, tc.code, tc.a.CanSee(u), tc.a.CanEdit(u), tc.see, tc.edit)
		}
	}
	if _, err := f.Accounts.AddUser(f.Ctx, filler, account.NewUser{Username: "x1", Password: servicetest.Pw("x1"), Role: ziping.RoleAdmin}); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler adds an admin: %v", err)
	}
	if _, _, err := f.Data.LoadDataset(f.Ctx, filler, unit("990121"), 2024); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler loads another county: %v", err)
	}
}
