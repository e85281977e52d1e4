package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// screensDir is where TestDemoScreenshots writes: docs/screenshots/demo.
var screensDir = filepath.Join("..", "..", "docs", "screenshots", "demo")

// screenMaxHeight caps a screenshot's height in CSS pixels: the assessment page is
// many screens tall, and its first screens are what a reader needs.
const screenMaxHeight = 2400

// TestDemoScreenshots writes the demo's main pages as every account the demo
// prints sees them, at 1366 px and on a 390 px phone, to docs/screenshots/demo
// (ACCOUNT-PAGE-WIDTH.png), in headless chromium: signed in through the login form
// with the printed password, each page answers 200 and is no wider than the
// screen. It runs with ZIPING_SCREENSHOTS=1, as the web package's screenshots do:
//
//	ZIPING_SCREENSHOTS=1 go test ./cmd/ziping -run TestDemoScreenshots
func TestDemoScreenshots(t *testing.T) {
	if os.Getenv("ZIPING_SCREENSHOTS") != "1" {
		t.Skip("writes docs/screenshots/demo with ZIPING_SCREENSHOTS=1")
	}
	d := sharedDemo(t)
	users, pass := demoAccounts(t, d.out)
	svc, _, srv, errs := serveDemo(t, d)
	pages := demoScreens(t, svc, users)
	if err := os.MkdirAll(screensDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(screensDir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	browsertest.Timeout = 5 * time.Minute
	for _, u := range users {
		ctx := browsertest.Chrome(t)
		browsertest.Run(t, ctx, chromedp.EmulateViewport(1366, 900))
		if st := browsertest.Response(t, ctx, chromedp.Navigate(srv.URL+"/login")); st != 200 {
			t.Fatalf("login page: %d", st)
		}
		browsertest.Run(t, ctx,
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), u),
			chromedp.SendKeys(chromedp.ID("password"), pass[u]),
		)
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 200 {
			t.Fatalf("%s signs in: status %d", u, st)
		}
		for _, pg := range pages[u] {
			for _, width := range []int64{1366, 390} {
				if width == 390 {
					browsertest.Run(t, ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile))
				} else {
					browsertest.Run(t, ctx, chromedp.EmulateViewport(width, 900))
				}
				if st := browsertest.Response(t, ctx, chromedp.Navigate(srv.URL+pg.path)); st != 200 {
					t.Errorf("%s %s at %d px: status %d", u, pg.path, width, st)
					continue
				}
				if over := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
					t.Errorf("%s %s at %d px: the page is %d px wider than the screen", u, pg.path, width, over)
				}
				h := browsertest.Eval[int](t, ctx, `document.documentElement.scrollHeight`)
				height := int64(min(max(h, 400), screenMaxHeight))
				opts := []chromedp.EmulateViewportOption{}
				if width == 390 {
					opts = append(opts, chromedp.EmulateMobile)
				}
				browsertest.Run(t, ctx, chromedp.EmulateViewport(width, height, opts...))
				buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatalf("screenshot %s: %v", pg.path, err)
				}
				name := fmt.Sprintf("%s-%s-%d.png", u, pg.name, width)
				if err := os.WriteFile(filepath.Join(screensDir, name), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if errs.Len() > 0 {
		t.Errorf("serving the demo database: %s", errs.String())
	}
}

// demoScreen is a page to take: its short name and path.
type demoScreen struct{ name, path string }

// demoScreens are every account's main pages, by the account's role and scope.
func demoScreens(t *testing.T, svc *services, users []string) map[string][]demoScreen {
	t.Helper()
	ctx := context.Background()
	list, err := svc.Store.Assessments(ctx, ziping.AssessmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// find is the first assessment of a unit in a subtree, of a framework, in one
	// of the statuses.
	find := func(scope *ziping.OrgUnit, fw string, statuses ...string) string {
		for _, as := range list {
			u, err := svc.Store.Unit(ctx, as.UnitID)
			if err != nil {
				t.Fatal(err)
			}
			if as.Framework == fw && u.InSubtree(scope) && (len(statuses) == 0 || slices.Contains(statuses, as.Status)) {
				return "/assessments/" + strconv.FormatInt(as.ID, 10)
			}
		}
		return ""
	}
	out := map[string][]demoScreen{}
	for _, name := range users {
		u, err := svc.Store.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		var scope *ziping.OrgUnit
		if u.ScopeID != 0 {
			if scope, err = svc.Store.Unit(ctx, u.ScopeID); err != nil {
				t.Fatal(err)
			}
		}
		var pp []demoScreen
		add := func(name, path string) {
			if path != "" && !strings.HasPrefix(path, "/assessments//") {
				pp = append(pp, demoScreen{name, path})
			}
		}
		switch {
		case u.Role == ziping.RoleAdmin:
			add("home", "/")
			add("province", "/units/990000")
			add("users", "/admin/users")
			add("audit", "/audit")
			add("frameworks", "/admin/frameworks")
		case u.Role == ziping.RoleReviewer:
			code := "/units/" + scope.Code
			add("home", "/")
			add("unit", code)
			add("ranking", code+"/ranking")
			add("ledger", code+"/problems")
			add("notice", code+"/notice")
			add("review", find(scope, "lxzz-county", ziping.StatusSubmitted, ziping.StatusResubmitted))
			if counties, err := svc.Store.Subtree(ctx, scope, ziping.LevelCounty); err == nil && len(counties) > 1 {
				add("school-ranking", "/units/"+counties[1].Code+"/school-ranking")
			}
			if a := find(scope, "xxbxzl-2021", ziping.StatusSubmitted, ziping.StatusResubmitted); a != "" {
				add("school-review", a)
			}
		case u.Role == ziping.RoleFiller && scope.Level == ziping.LevelSchool:
			add("home", "/")
			add("unit", "/units/"+scope.Code)
			if a := find(scope, "xxbxzl-2021"); a != "" {
				add("assessment", a)
				add("report", a+"/report")
			}
		case u.Role == ziping.RoleFiller:
			code := "/units/" + scope.Code
			add("home", "/")
			add("unit", code)
			add("score", code+"/score")
			add("explain", code+"/explain/primary.cv.equipment_value_per_student?fw=lxzz-county")
			if a := find(scope, "lxzz-county", ziping.StatusDraft, ziping.StatusReturned); a != "" {
				add("assessment", a)
				add("report", a+"/report")
			}
			add("ledger", code+"/problems")
			rounds, err := svc.Store.SurveyRounds(ctx, ziping.SurveyRoundQuery{UnitPath: scope.Path})
			if err == nil && len(rounds) > 0 {
				add("survey", "/surveys/"+strconv.FormatInt(rounds[0].ID, 10))
			}
		default: // a viewer
			add("unit", "/units/"+scope.Code)
			published := find(scope, "lxzz-county", ziping.StatusPublished)
			add("published", published)
			// The public notice of the year the county's result was published.
			id, _ := strconv.ParseInt(strings.TrimPrefix(published, "/assessments/"), 10, 64)
			as, err := svc.Store.Assessment(ctx, id)
			if err != nil {
				t.Fatalf("the viewer's county has no published result: %v", err)
			}
			parent, err := svc.Store.Unit(ctx, scope.ParentID)
			if err != nil {
				t.Fatal(err)
			}
			add("public-notice", "/notice/"+parent.Code+"?fw=lxzz-county&period="+strconv.Itoa(as.Period))
		}
		out[name] = pp
	}
	return out
}
