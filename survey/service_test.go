package survey_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/servicetest"
	"ziping/survey"
)

// docs stands in for package surveydoc here: files that pass as .docx and .xlsx
// (their signature) and change with the responses, so that attaching can be seen.
type docs struct{}

func (docs) Report(c *survey.Calc, date time.Time) ([]byte, error) {
	return []byte("PK\x03\x04report " + date.Format("2006-01-02") + " " + strings.Repeat("x", c.Result.Responses)), nil
}

func (docs) Responses(c *survey.Calc) ([]byte, error) {
	return []byte("PK\x03\x04responses " + strings.Repeat("y", len(c.Stored))), nil
}

// roundOf starts a lxzz-county round of the flow's county for 2024.
func roundOf(t *testing.T, f *servicetest.Flow, tokens bool) (*ziping.SurveyRound, []ziping.SurveyLink) {
	t.Helper()
	r, err := f.Survey.CreateRound(f.Ctx, f.Filler, survey.RoundInput{Unit: f.County.Code, Period: 2024, Questionnaire: "lxzz-county",
		Population: 400_000, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	links, err := f.Store.SurveyLinks(f.Ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r, links
}

// publicLink is the round's link of 社会人士 (not at a school).
func publicLink(t *testing.T, links []ziping.SurveyLink) ziping.SurveyLink {
	for _, l := range links {
		if l.Group == "public" {
			return l
		}
	}
	t.Fatal("no link of 社会人士")
	return ziping.SurveyLink{}
}

// all answers every satisfaction question of lxzz-county's 社会人士卷 with choice and
// the multiple choice with its first option.
func all(choice int) survey.Answers {
	a := survey.Answers{"g6": {Choices: []int{0}}}
	for _, id := range []string{"g1", "g2", "g3", "g4", "g5"} {
		a[id] = survey.Pick(choice)
	}
	return a
}

func TestSurveyService(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			f := servicetest.NewFlowOn(t, st.Open(t))
			f.Survey.Documents = docs{}
			testRoundAndAnswers(t, f)
		})
	}
}

func testRoundAndAnswers(t *testing.T, f *servicetest.Flow) {
	ctx := f.Ctx
	// Who may start a round: the county's fillers, not its viewer or another county.
	for _, a := range []*ziping.Actor{f.Viewer, f.Stranger, f.Reviewer} {
		_, err := f.Survey.CreateRound(ctx, a, survey.RoundInput{Unit: f.County.Code, Period: 2024, Questionnaire: "lxzz-county", Population: 1})
		if ziping.ErrorKind(err) != ziping.Forbidden {
			t.Errorf("CreateRound by %v: %v, want Forbidden", a.User.Username, err)
		}
	}
	r, links := roundOf(t, f, false)
	if f.LastAudit(t).Action != "survey_round_create" {
		t.Errorf("round not audited: %+v", f.LastAudit(t))
	}
	setup, _ := survey.SetupOf(r)
	// 400,000 × 1.5‰ = 600; 社会人士 50% = 300.
	if setup.Plan.Total != 600 || setup.Plan.Groups[0].Quota != 300 {
		t.Errorf("plan %d, 社会人士 %d; want 600, 300", setup.Plan.Total, setup.Plan.Groups[0].Quota)
	}
	l := publicLink(t, links)
	start := f.Clock.T.Add(-3 * time.Minute)
	sub := survey.Submission{Key: l.Key, ClientID: "client-0001", Answers: all(0), Started: start, Network: "10.0.0.0/24", Device: "d1"}
	id1, dup, err := f.Survey.Submit(ctx, sub)
	if err != nil || dup {
		t.Fatalf("Submit: %v, duplicate %v", err, dup)
	}
	// The same client id again (a retry): no second response.
	id2, dup, err := f.Survey.Submit(ctx, sub)
	if err != nil || !dup || id2 != id1 {
		t.Errorf("second Submit: id %d (first %d), duplicate %v, %v; want the first, duplicate", id2, id1, dup, err)
	}
	// Invalid answers store nothing.
	bad := sub
	bad.ClientID, bad.Answers = "client-0002", survey.Answers{"g1": survey.Pick(9)}
	if _, _, err := f.Survey.Submit(ctx, bad); ziping.ErrorKind(err) != ziping.Invalid {
		t.Errorf("bad answers: %v, want Invalid", err)
	}
	resps, err := f.Store.SurveyResponses(ctx, r.ID)
	if err != nil || len(resps) != 1 {
		t.Fatalf("responses %d, %v; want 1", len(resps), err)
	}
	if strings.Contains(resps[0].Network, "10.0.0") || resps[0].Device == "d1" {
		t.Errorf("network or device stored in the clear: %q %q", resps[0].Network, resps[0].Device)
	}
	// A second answer, all 不满意: top2 (1 + 0)/2 → 50; value map (100 + 0)/2 = 50.
	sub2 := sub
	sub2.ClientID, sub2.Answers = "client-0003", all(4)
	if _, _, err := f.Survey.Submit(ctx, sub2); err != nil {
		t.Fatal(err)
	}
	cl, err := f.Survey.Calc(ctx, f.Filler, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Result.Responses != 2 || cl.Result.Overall.Figures.Value != 50 {
		t.Errorf("result: %d responses, value %g; want 2, 50", cl.Result.Responses, cl.Result.Overall.Figures.Value)
	}
	testFeedsAssessment(t, f, r)
	testExclusion(t, f, r, resps[0].ID)
	testClosed(t, f, r, sub)
}

// testFeedsAssessment: the figure is the assessment's satisfaction, the job
// attaches the documents to point 22, and the snapshot keeps the figure.
func testFeedsAssessment(t *testing.T, f *servicetest.Flow, r *ziping.SurveyRound) {
	ctx := f.Ctx
	as, err := f.Assess.StartAssessment(ctx, f.Filler, "lxzz-county", f.County, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Data.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := f.Assess.Assessment(ctx, f.Filler, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.Self.Metric("survey.satisfaction")
	if !ok || !m.OK || m.Value != 50 {
		t.Errorf("survey.satisfaction = %+v, want 50 from the survey", m)
	}
	var titles []string
	for _, e := range v.Evidence {
		if e.Point == "22" {
			titles = append(titles, e.Title)
		}
	}
	if len(titles) != 2 || titles[0] != survey.EvidenceTitle {
		t.Errorf("evidence of point 22: %v, want the report and the responses", titles)
	}
	// The job again, nothing changed: nothing attached again.
	before := len(v.Evidence)
	if err := f.Survey.ResultJob(ctx, `{"round":`+itoa(r.ID)+`}`); err != nil {
		t.Fatal(err)
	}
	if v, _ = f.Assess.Assessment(ctx, f.Filler, as.ID); len(v.Evidence) != before {
		t.Errorf("evidence %d after a second run, want %d", len(v.Evidence), before)
	}
	point := survey.PointOf(v.Program, "satisfaction")
	if point != "22" {
		t.Errorf("PointOf lxzz-county = %q, want 22", point)
	}
}

func testExclusion(t *testing.T, f *servicetest.Flow, r *ziping.SurveyRound, id int64) {
	ctx := f.Ctx
	if err := f.Survey.Exclude(ctx, f.Viewer, r.ID, id, true, "核实为重复作答"); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("exclusion by a viewer: %v, want Forbidden", err)
	}
	if err := f.Survey.Exclude(ctx, f.Filler, r.ID, id, true, ""); ziping.ErrorKind(err) != ziping.Invalid {
		t.Errorf("exclusion without a reason: %v, want Invalid", err)
	}
	if err := f.Survey.Exclude(ctx, f.Filler, r.ID, id, true, "核实为重复作答"); err != nil {
		t.Fatal(err)
	}
	entries, err := f.Store.Audit(ctx, ziping.AuditQuery{Action: "survey_exclude"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].New, "核实为重复作答") || entries[0].UserID != f.Filler.UserID() {
		t.Errorf("exclusion audit %+v, %v", entries, err)
	}
	cl, err := f.Survey.Calc(ctx, f.Filler, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Result.Responses != 1 || cl.Result.Excluded != 1 || cl.Result.Overall.Figures.Value != 0 {
		t.Errorf("after excluding the 满意 one: %d counted, %d excluded, value %g; want 1, 1, 0",
			cl.Result.Responses, cl.Result.Excluded, cl.Result.Overall.Figures.Value)
	}
	b, _ := json.Marshal(cl.Exclusions)
	if len(cl.Exclusions) != 1 || !bytes.Contains(b, []byte("核实")) {
		t.Errorf("exclusions %s", b)
	}
}

func testClosed(t *testing.T, f *servicetest.Flow, r *ziping.SurveyRound, sub survey.Submission) {
	if err := f.Survey.SetStatus(f.Ctx, f.Filler, r.ID, ziping.RoundClosed); err != nil {
		t.Fatal(err)
	}
	sub.ClientID = "client-0099"
	if _, _, err := f.Survey.Submit(f.Ctx, sub); ziping.ErrorKind(err) != ziping.Conflict {
		t.Errorf("answer to a closed round: %v, want Conflict", err)
	}
}

func TestTokens(t *testing.T) {
	f := servicetest.NewFlow(t)
	r, links := roundOf(t, f, true)
	l := publicLink(t, links)
	if _, err := f.Survey.AddTokens(f.Ctx, f.Viewer, r.ID, l.ID, 3); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("tokens by a viewer: %v, want Forbidden", err)
	}
	tokens, err := f.Survey.AddTokens(f.Ctx, f.Filler, r.ID, l.ID, 3)
	if err != nil || len(tokens) != 3 {
		t.Fatalf("tokens %v, %v", tokens, err)
	}
	sub := survey.Submission{Key: l.Key, ClientID: "client-t1", Answers: all(1)}
	if _, _, err := f.Survey.Submit(f.Ctx, sub); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("no token: %v, want Forbidden", err)
	}
	sub.Token = tokens[0]
	if _, _, err := f.Survey.Submit(f.Ctx, sub); err != nil {
		t.Fatal(err)
	}
	sub.ClientID = "client-t2" // another person with the same token
	if _, _, err := f.Survey.Submit(f.Ctx, sub); ziping.ErrorKind(err) != ziping.Conflict {
		t.Errorf("a used token: %v, want Conflict", err)
	}
	if n, _ := f.Store.SurveyResponses(f.Ctx, r.ID); len(n) != 1 {
		t.Errorf("%d responses stored, want 1 (the refused one rolled back)", len(n))
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// answerAll answers every question of a link's form: scale questions with choice,
// the others with their first option, open text left out.
func answerAll(t *testing.T, f *servicetest.Flow, key string, choice int) survey.Answers {
	t.Helper()
	fm, err := f.Survey.Form(f.Ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	a := survey.Answers{}
	for _, q := range fm.Questions {
		switch q.Kind {
		case survey.KindScale:
			a[q.ID] = survey.Pick(choice)
		case survey.KindChoice:
			a[q.ID] = survey.Pick(0)
		case survey.KindMulti:
			a[q.ID] = survey.Answer{Choices: []int{0}}
		}
	}
	return a
}

// TestRoundsOfTwoFrameworks: a county's yzjh-2017 round (all 满意) and lxzz-county
// round (all 不满意) of one year feed each its own assessment, with its own report.
func TestRoundsOfTwoFrameworks(t *testing.T) {
	f := servicetest.NewFlow(t)
	f.Survey.Documents = docs{}
	ctx := f.Ctx
	for _, tc := range []struct {
		fw     string
		choice int
	}{{"yzjh-2017", 0}, {"lxzz-county", 4}} {
		if _, err := f.Assess.StartAssessment(ctx, f.Filler, tc.fw, f.County, 2024, false); err != nil {
			t.Fatal(err)
		}
		r, err := f.Survey.CreateRound(ctx, f.Filler, survey.RoundInput{Unit: f.County.Code, Period: 2024, Questionnaire: tc.fw, Population: 300_000})
		if err != nil {
			t.Fatal(err)
		}
		links, err := f.Store.SurveyLinks(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.School == "" { // the groups not sampled at schools
				sub := survey.Submission{Key: l.Key, ClientID: "c-" + tc.fw + "-" + l.Group, Answers: answerAll(t, f, l.Key, tc.choice)}
				if _, _, err := f.Survey.Submit(ctx, sub); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := f.Data.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := f.Store.Assessments(ctx, ziping.AssessmentQuery{UnitIDs: []int64{f.County.ID}, Period: 2024})
	if err != nil || len(list) != 2 {
		t.Fatalf("assessments %v, %v", list, err)
	}
	want := map[string]struct {
		metric string
		value  float64
		point  string
	}{"yzjh-2017": {"satisfaction", 100, "D1"}, "lxzz-county": {"survey.satisfaction", 0, "22"}}
	for _, as := range list {
		v, err := f.Assess.Assessment(ctx, f.Filler, as.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := want[as.Framework]
		if m, ok := v.Self.Metric(w.metric); !ok || !m.OK || m.Value != w.value {
			t.Errorf("%s: %s = %+v, want %g from its own round", as.Framework, w.metric, m, w.value)
		}
		n := 0
		for _, e := range v.Evidence {
			if e.Point != w.point {
				t.Errorf("%s: evidence %q on point %q, want only on %s", as.Framework, e.Title, e.Point, w.point)
			}
			n++
		}
		if n != 2 {
			t.Errorf("%s: %d evidence files, want its own report and responses", as.Framework, n)
		}
	}
}
