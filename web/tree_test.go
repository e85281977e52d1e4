package web

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"ziping/engine"
)

// TestDeeperTreesShown: the framework browser shows every level of a three-level
// framework, and a county's score sheet shows each group's subtotal row.
func TestDeeperTreesShown(t *testing.T) {
	f := newFixture(t, 60)
	addTreeFramework(t, f.srv)
	f.run(t, []scenario{
		{"school framework", "admin", "", "/frameworks/xxbxzl-2021", nil, 200, []string{
			`<h3 class="fw-group-head"><span class="code">B1</span> 加强党建工作 <small class="muted">（8分）</small></h3>`,
			"B1.1", "党组织领导的校长负责制", "评价对象：学校"}},
	})
	w := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102/score?fw=t3&period=2024"})
	if w.Code != 200 {
		t.Fatalf("score: %d %s", w.Code, w.Body.String())
	}
	body := w.Body.String()
	for _, want := range []string{`<tr class="group">`, `<td class="code">1.1</td><td>经费</td>`, `<td class="code">1.1.1</td>`, "二级指标1.1第(2)项待人工评分"} {
		if !strings.Contains(body, want) {
			t.Errorf("score page lacks %q", want)
		}
	}
	if strings.Index(body, ">1.1<") > strings.Index(body, ">1.1.1<") {
		t.Error("the group's row does not come before its points")
	}
}

// addTreeFramework gives the server the three-level test framework as "t3" (it knows
// only the built-in frameworks, of which none of county level has three levels).
func addTreeFramework(t *testing.T, srv *Server) {
	t.Helper()
	src, err := os.ReadFile("../engine/testdata/three-levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.Load("three-levels.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	srv.programs["t3"], srv.standards["t3"] = p, metricStandards(p)
	srv.fwIDs = append(srv.fwIDs, "t3")
}
