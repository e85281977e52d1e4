package web

import (
	"context"
	"encoding/json"
	"strconv"

	"ziping"
	"ziping/engine"
)

// The administrator's home panels: who imported what lately, the accounts (by role,
// the locked ones and those never signed in) and what data the current period lacks
// (the counties with no school data, the points 无法计算), each linking to where it
// is dealt with. Lists are bounded; counts are whole.

type adminPanels struct {
	Imports    []importRow
	ImportsURL string
	// users
	UserTotal      int
	Roles          []roleCount
	Disabled       int
	Locked, Never  []homeLink
	LockedN        int
	NeverN         int
	NeverMore      int // never signed in, not listed
	NeverUnchecked int // accounts beyond maxLoginChecks, not looked up
	UsersURL       string
	// data gaps of the period
	Gaps *gapPanel
}

type importRow struct {
	User, At, File, Period, Unit, Rows, URL string
}

type roleCount struct {
	Role string
	N    int
}

type gapPanel struct {
	Period            int
	Counties          int
	NoData            []homeLink
	NoDataN           int
	NoDataMore        int
	PointsMore        int
	Points            []homeLink
	PointsN, Assessed int
	Skipped           int
	ImportURL         string
}

// Bounds of the administrator's panels.
const (
	maxImports     = 5   // recent imports listed
	maxListed      = 10  // accounts, counties or points listed of each kind
	maxLoginChecks = 500 // accounts whose sign-ins are looked up
)

func (s *Server) adminHome(ctx context.Context, a *ziping.Actor, p *homePage) error {
	ap := &adminPanels{UsersURL: "/admin/users", ImportsURL: "/audit"}
	p.AdminPanels = ap
	if err := s.adminImports(ctx, ap); err != nil {
		return err
	}
	if err := s.adminUsers(ctx, a, ap); err != nil {
		return err
	}
	root, err := s.firstRoot(ctx)
	if ziping.IsNotFound(err) || p.Period == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	r, err := s.svc.Assess.DataGaps(ctx, a, root, p.Period, maxListed)
	if err != nil {
		return err
	}
	g := &gapPanel{Period: p.Period, Counties: r.Counties, NoDataN: r.NoDataN, PointsN: r.PointsN, Assessed: r.Assessed,
		Skipped: r.Skipped, ImportURL: unitURL(root.Code) + "/import"}
	for _, u := range r.NoData {
		g.NoData = append(g.NoData, homeLink{Text: u.Name, URL: unitURL(u.Code)})
	}
	for _, pt := range r.Points {
		fw := pt.Framework
		if prog := s.programs[fw]; prog != nil {
			fw = prog.FW.Name
		}
		g.Points = append(g.Points, homeLink{Text: pt.Unit.Name + " · " + fw + " · " + engine.PointLabel(pt.Point) + "：" + pt.Why,
			URL: pointURL(pt.AssessmentID, pt.Point)})
	}
	g.NoDataMore, g.PointsMore = g.NoDataN-len(g.NoData), g.PointsN-len(g.Points)
	ap.Gaps = g
	return nil
}

// adminImports lists the latest imports from the audit trail, where each import is
// recorded with its file, period and rows; each links to its entry there.
func (s *Server) adminImports(ctx context.Context, ap *adminPanels) error {
	entries, err := s.svc.Store.Audit(ctx, ziping.AuditQuery{Action: "import", Limit: maxImports})
	if err != nil {
		return err
	}
	units := map[int64]string{0: "全部单位"}
	for _, e := range entries {
		var d struct {
			File    string `json:"file"`
			Period  int    `json:"period"`
			Schools int    `json:"schools"`
			Facts   int    `json:"facts"`
		}
		_ = json.Unmarshal([]byte(e.New), &d) // an entry without details still shows who and when
		name, ok := units[e.UnitID]
		if !ok {
			name = "—"
			if u, err := s.svc.Store.Unit(ctx, e.UnitID); err == nil {
				name = u.Name
			}
			units[e.UnitID] = name
		}
		user := e.Username
		if e.UserID == 0 {
			user = "系统" // the command line, the demo
		}
		row := importRow{User: user, At: dateTime(e.At), File: d.File, Unit: name,
			Rows: "学校数据" + num(float64(d.Schools)) + "行、区县数据" + num(float64(d.Facts)) + "行",
			URL:  "/audit?before=" + strconv.FormatInt(e.Seq+1, 10)}
		if d.Period != 0 {
			row.Period = strconv.Itoa(d.Period) + "年度"
		}
		if row.File == "" {
			row.File = "（未记录文件名）"
		}
		ap.Imports = append(ap.Imports, row)
	}
	return nil
}

// adminUsers counts the accounts by role and lists the locked ones and those that
// never signed in (no sign-in in the audit trail).
func (s *Server) adminUsers(ctx context.Context, a *ziping.Actor, ap *adminPanels) error {
	users, err := s.svc.Accounts.Users(ctx, a)
	if err != nil {
		return err
	}
	now := s.svc.Assess.Now()
	byRole := map[string]int{}
	checked := 0
	for _, u := range users {
		ap.UserTotal++
		byRole[u.Role]++
		link := homeLink{Text: u.Username, URL: ap.UsersURL + "#user-" + u.Username}
		if u.Name != "" {
			link.Text = u.Name + "（" + u.Username + "）"
		}
		if u.Disabled {
			ap.Disabled++
			continue
		}
		if u.LockedUntil.After(now) {
			ap.LockedN++
			if len(ap.Locked) < maxListed {
				ap.Locked = append(ap.Locked, link)
			}
		}
		if checked == maxLoginChecks {
			ap.NeverUnchecked++
			continue
		}
		checked++
		logins, err := s.svc.Store.Audit(ctx, ziping.AuditQuery{Action: "login", UserID: u.ID, Limit: 1})
		if err != nil {
			return err
		}
		if len(logins) == 0 {
			ap.NeverN++
			if len(ap.Never) < maxListed {
				ap.Never = append(ap.Never, link)
			}
		}
	}
	for _, r := range []string{ziping.RoleAdmin, ziping.RoleReviewer, ziping.RoleFiller, ziping.RoleViewer} {
		if byRole[r] > 0 {
			ap.Roles = append(ap.Roles, roleCount{Role: roleName(r), N: byRole[r]})
		}
	}
	ap.NeverMore = ap.NeverN - len(ap.Never)
	return nil
}
