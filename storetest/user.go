package storetest

import (
	"testing"
	"time"

	"ziping"
)

func newUser(name, role string, scope int64) ziping.User {
	return ziping.User{Username: name, Name: "用户" + name, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		Role: role, ScopeID: scope, CreatedAt: at(time.Duration(len(name)) * time.Second)}
}

func testUsers(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	admin := newUser("admin", ziping.RoleAdmin, 0)
	li := newUser("li", ziping.RoleFiller, tr.countyA1.ID)
	wang := newUser("wang", ziping.RoleViewer, tr.cityA.ID)
	for _, u := range []*ziping.User{&admin, &li, &wang} {
		created := u.CreatedAt
		must(t, st.CreateUser(ctx, u), "CreateUser "+u.Username)
		if u.ID <= 0 {
			t.Fatalf("CreateUser %s: ID %d", u.Username, u.ID)
		}
		got, err := st.User(ctx, u.ID)
		must(t, err, "User")
		want := *u
		want.CreatedAt = stored(created)
		diff(t, "User("+u.Username+")", *got, want)
		sameTime(t, "User.CreatedAt", got.CreatedAt, stored(created))
		if !got.LockedUntil.IsZero() {
			t.Errorf("User %s: LockedUntil %v, want zero", u.Username, got.LockedUntil)
		}
		got, err = st.UserByName(ctx, u.Username)
		must(t, err, "UserByName")
		diff(t, "UserByName("+u.Username+")", *got, want)
	}
	all, err := st.Users(ctx)
	must(t, err, "Users")
	diff(t, "Users (ordered by id)", all, []ziping.User{admin, li, wang})

	// A zero CreatedAt is filled in by the store.
	zero := newUser("zhao", ziping.RoleReviewer, tr.prov.ID)
	zero.CreatedAt = time.Time{}
	before := time.Now().Add(-time.Second)
	must(t, st.CreateUser(ctx, &zero), "CreateUser zero CreatedAt")
	got, err := st.User(ctx, zero.ID)
	must(t, err, "User zero")
	if got.CreatedAt.Before(before) || got.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt of a user created with none = %v, want about now", got.CreatedAt)
	}
}

func testUserErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	li := newUser("li", ziping.RoleFiller, tr.countyA1.ID)
	must(t, st.CreateUser(ctx, &li), "CreateUser")

	dup := newUser("li", ziping.RoleViewer, 0)
	wantKind(t, st.CreateUser(ctx, &dup), ziping.Conflict, "CreateUser with a taken username")
	lost := newUser("lost", ziping.RoleViewer, tr.school.ID+1000)
	wantKind(t, st.CreateUser(ctx, &lost), ziping.NotFound, "CreateUser with a missing scope unit")
	odd := newUser("odd", "superuser", 0)
	wantKind(t, st.CreateUser(ctx, &odd), ziping.Invalid, "CreateUser with an unknown role")

	_, err := st.User(ctx, li.ID+1000)
	wantKind(t, err, ziping.NotFound, "User of an unknown id")
	_, err = st.UserByName(ctx, "nobody")
	wantKind(t, err, ziping.NotFound, "UserByName of an unknown name")
	_, err = st.UserByName(ctx, "LI")
	wantKind(t, err, ziping.NotFound, "UserByName is exact (LI is not li)")

	ghost := li
	ghost.ID = li.ID + 1000
	wantKind(t, st.UpdateUser(ctx, &ghost), ziping.NotFound, "UpdateUser of an unknown id")
	wang := newUser("wang", ziping.RoleViewer, 0)
	must(t, st.CreateUser(ctx, &wang), "CreateUser wang")
	wang.Username = "li"
	wantKind(t, st.UpdateUser(ctx, &wang), ziping.Conflict, "UpdateUser to a taken username")

	all, err := st.Users(ctx)
	must(t, err, "Users")
	if len(all) != 2 {
		t.Errorf("after the failed creates there are %d users, want 2", len(all))
	}
}

// testUserUpdate: the lockout fields and the rest round-trip through UpdateUser.
func testUserUpdate(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	u := newUser("li", ziping.RoleFiller, tr.countyA1.ID)
	must(t, st.CreateUser(ctx, &u), "CreateUser")
	created := u.CreatedAt

	locked := at(15 * time.Minute)
	u.Name, u.Role, u.ScopeID = "李四", ziping.RoleReviewer, tr.cityA.ID
	u.PasswordHash, u.FailedLogins, u.LockedUntil, u.Disabled = "$argon2id$new", 5, locked, true
	u.CreatedAt = at(time.Hour) // not updatable
	must(t, st.UpdateUser(ctx, &u), "UpdateUser")
	got, err := st.User(ctx, u.ID)
	must(t, err, "User")
	want := u
	want.LockedUntil, want.CreatedAt = stored(locked), created
	diff(t, "User after UpdateUser", *got, want)
	sameTime(t, "LockedUntil", got.LockedUntil, stored(locked))
	sameTime(t, "CreatedAt after UpdateUser", got.CreatedAt, created)

	// Unlocking: back to zero, no scope, enabled.
	u.FailedLogins, u.LockedUntil, u.Disabled, u.ScopeID, u.Role = 0, time.Time{}, false, 0, ziping.RoleAdmin
	must(t, st.UpdateUser(ctx, &u), "UpdateUser unlock")
	got, err = st.UserByName(ctx, "li")
	must(t, err, "UserByName")
	if got.FailedLogins != 0 || !got.LockedUntil.IsZero() || got.Disabled || got.ScopeID != 0 {
		t.Errorf("after unlocking: FailedLogins %d, LockedUntil %v, Disabled %v, ScopeID %d; want 0, zero, false, 0",
			got.FailedLogins, got.LockedUntil, got.Disabled, got.ScopeID)
	}
}

func newSession(token string, user int64, expires time.Time) ziping.Session {
	return ziping.Session{TokenHash: token, UserID: user, CSRF: "csrf-" + token, CreatedAt: t0,
		ExpiresAt: expires, IP: "192.0.2.7"}
}

func testSessions(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	u := newUser("li", ziping.RoleAdmin, 0)
	must(t, st.CreateUser(ctx, &u), "CreateUser")
	s := newSession("h1", u.ID, at(12*time.Hour))
	must(t, st.CreateSession(ctx, &s), "CreateSession")
	got, err := st.Session(ctx, "h1")
	must(t, err, "Session")
	want := s
	want.CreatedAt, want.ExpiresAt = stored(t0), stored(at(12*time.Hour))
	diff(t, "Session", *got, want)
	sameTime(t, "Session.CreatedAt", got.CreatedAt, stored(t0))
	sameTime(t, "Session.ExpiresAt", got.ExpiresAt, stored(at(12*time.Hour)))

	dup := newSession("h1", u.ID, at(time.Hour))
	wantKind(t, st.CreateSession(ctx, &dup), ziping.Conflict, "CreateSession with a stored token hash")
	orphan := newSession("h2", u.ID+1000, at(time.Hour))
	wantKind(t, st.CreateSession(ctx, &orphan), ziping.NotFound, "CreateSession of a missing user")
	_, err = st.Session(ctx, "h2")
	wantKind(t, err, ziping.NotFound, "Session of an unknown token hash")

	must(t, st.DeleteSession(ctx, "h1"), "DeleteSession")
	_, err = st.Session(ctx, "h1")
	wantKind(t, err, ziping.NotFound, "Session after DeleteSession")
	wantKind(t, st.DeleteSession(ctx, "h1"), ziping.NotFound, "DeleteSession of a deleted session")
}

// testSessionsExpire: a session expires at its ExpiresAt instant.
func testSessionsExpire(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	u := newUser("li", ziping.RoleAdmin, 0)
	must(t, st.CreateUser(ctx, &u), "CreateUser")
	now := at(24 * time.Hour)
	for token, exp := range map[string]time.Time{
		"long-gone": at(time.Hour), "just-gone": now.Add(-time.Microsecond), "at-now": now,
		"next": now.Add(time.Microsecond), "tomorrow": now.Add(24 * time.Hour),
	} {
		s := newSession(token, u.ID, exp)
		must(t, st.CreateSession(ctx, &s), "CreateSession "+token)
	}
	must(t, st.DeleteExpiredSessions(ctx, now), "DeleteExpiredSessions")
	for token, alive := range map[string]bool{
		"long-gone": false, "just-gone": false, "at-now": false, "next": true, "tomorrow": true,
	} {
		_, err := st.Session(ctx, token)
		switch {
		case alive && err != nil:
			t.Errorf("session %s was deleted: %v", token, err)
		case !alive && ziping.ErrorKind(err) != ziping.NotFound:
			t.Errorf("session %s: %v, want it deleted (NotFound)", token, err)
		}
	}
}

func testFrameworks(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	u := newUser("admin", ziping.RoleAdmin, 0)
	must(t, st.CreateUser(ctx, &u), "CreateUser")
	fw := func(id, version string, saved time.Duration, builtin bool) ziping.StoredFramework {
		return ziping.StoredFramework{ID: id, Version: version, Name: "方案 " + id, Builtin: builtin,
			Source:    []byte("id: " + id + "\nversion: \"" + version + "\"\nname: 方案\n\x00\xff"),
			CreatedAt: at(saved), CreatedBy: u.ID}
	}
	// "Latest" is the version saved last, whatever its string: 2017.9 after 2017.10.
	saved := []ziping.StoredFramework{
		fw("yzjh-2017", "2017.1", 0, true),
		fw("yzjh-2017", "2017.10", time.Hour, false),
		fw("yzjh-2017", "2017.9", 2*time.Hour, false),
		fw("lxzz-county", "1", time.Minute, true),
	}
	saved[3].CreatedBy = 0 // built in: nobody
	for i := range saved {
		must(t, st.SaveFramework(ctx, &saved[i]), "SaveFramework "+saved[i].ID+" "+saved[i].Version)
	}
	again := fw("yzjh-2017", "2017.10", 3*time.Hour, false)
	wantKind(t, st.SaveFramework(ctx, &again), ziping.Conflict, "SaveFramework of a stored version")

	want := func(f ziping.StoredFramework) ziping.StoredFramework {
		f.CreatedAt = stored(f.CreatedAt)
		return f
	}
	got, err := st.Framework(ctx, "yzjh-2017", "2017.1")
	must(t, err, "Framework 2017.1")
	diff(t, "Framework(yzjh-2017, 2017.1)", *got, want(saved[0]))
	sameTime(t, "Framework.CreatedAt", got.CreatedAt, stored(saved[0].CreatedAt))
	got, err = st.Framework(ctx, "yzjh-2017", "")
	must(t, err, "Framework latest")
	diff(t, "Framework(yzjh-2017, \"\") is the one saved last", *got, want(saved[2]))

	_, err = st.Framework(ctx, "yzjh-2017", "2099")
	wantKind(t, err, ziping.NotFound, "Framework of an unknown version")
	_, err = st.Framework(ctx, "nope", "")
	wantKind(t, err, ziping.NotFound, "latest Framework of an unknown id")

	all, err := st.Frameworks(ctx)
	must(t, err, "Frameworks")
	diff(t, "Frameworks: the latest of each, by id", all, []ziping.StoredFramework{want(saved[3]), want(saved[2])})
}
