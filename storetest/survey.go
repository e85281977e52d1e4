package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"ziping"
)

// The survey's store (ziping.SurveyStore). Besides what its comments say, the suite
// holds stores to these answers:
//   - Questionnaire(id, "") is the version saved last; Questionnaires() the latest of
//     each id, by id.
//   - A round's Setup nil and empty come back nil; a new round is clean with no
//     changes; UpdateSurveyRound leaves Changes and Dirty alone.
//   - TouchSurveyRound of a missing round is NotFound; CleanSurveyRound too.
//   - SurveyTokenCounts has no entry for a link without tokens.
//   - AddSurveyResponse of an existing client id changes nothing and gives back the
//     first response's id; a missing round is NotFound. Zero StartedAt comes back zero.
//   - AddSurveyExclusion of a response of another round is NotFound.
var surveyTests = []struct {
	name string
	fn   func(t *testing.T, st ziping.Store)
}{
	{"Questionnaires", testQuestionnaires},
	{"SurveyRounds", testSurveyRounds},
	{"SurveyRoundTouch", testSurveyRoundTouch},
	{"SurveyLinks", testSurveyLinks},
	{"SurveyTokens", testSurveyTokens},
	{"SurveyResponses", testSurveyResponses},
	{"SurveyExclusions", testSurveyExclusions},
	{"SurveyTx", testSurveyTx},
	{"SurveyResponsesConcurrent", testSurveyResponsesConcurrent},
}

func testQuestionnaires(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	v1 := ziping.StoredQuestionnaire{ID: "yzjh-2017", Version: "1", Name: "社会认可度调查", Framework: "yzjh-2017",
		Source: []byte("id: yzjh-2017\n"), Builtin: true, CreatedAt: at(0)}
	v2 := ziping.StoredQuestionnaire{ID: "yzjh-2017", Version: "0.9", Name: "改版", Framework: "yzjh-2017",
		Source: []byte("id: yzjh-2017 # 2\n"), CreatedAt: at(time.Hour), CreatedBy: 3}
	other := ziping.StoredQuestionnaire{ID: "lxzz-county", Version: "1", Name: "履职", Framework: "lxzz-county", Source: []byte("x")}
	for _, q := range []*ziping.StoredQuestionnaire{&v1, &v2, &other} {
		must(t, st.SaveQuestionnaire(ctx, q), "SaveQuestionnaire "+q.ID+"@"+q.Version)
	}
	if other.CreatedAt.IsZero() {
		t.Error("SaveQuestionnaire with a zero CreatedAt did not set it")
	}
	dup := v1
	wantKind(t, st.SaveQuestionnaire(ctx, &dup), ziping.Conflict, "SaveQuestionnaire of an existing version")

	got, err := st.Questionnaire(ctx, "yzjh-2017", "1")
	must(t, err, "Questionnaire v1")
	want := v1
	want.CreatedAt = stored(v1.CreatedAt)
	diff(t, "Questionnaire v1", *got, want)
	latest, err := st.Questionnaire(ctx, "yzjh-2017", "")
	must(t, err, "Questionnaire latest")
	if latest.Version != "0.9" {
		t.Errorf("latest version %q, want the one saved last (0.9)", latest.Version)
	}
	all, err := st.Questionnaires(ctx)
	must(t, err, "Questionnaires")
	if len(all) != 2 || all[0].ID != "lxzz-county" || all[1].Version != "0.9" {
		t.Errorf("Questionnaires = %+v, want lxzz-county@1 and yzjh-2017@0.9", all)
	}
	_, err = st.Questionnaire(ctx, "nope", "")
	wantKind(t, err, ziping.NotFound, "Questionnaire of an unknown id")
}

// newRound is a round of unit for the framework and period.
func newRound(unitID int64, framework string, period int) ziping.SurveyRound {
	return ziping.SurveyRound{UnitID: unitID, Period: period, Framework: framework, Questionnaire: framework,
		QuestionnaireVersion: "1", Status: ziping.RoundOpen, Setup: []byte(`{"population":300000}`), Salt: "ab12",
		CreatedBy: 7, CreatedAt: at(0), UpdatedAt: at(time.Minute)}
}

func createRound(t *testing.T, st ziping.Store, r *ziping.SurveyRound) {
	t.Helper()
	must(t, st.CreateSurveyRound(t.Context(), r), label("CreateSurveyRound %s %d/%d", r.Framework, r.UnitID, r.Period))
}

func testSurveyRounds(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	r := newRound(tr.countyA1.ID, "yzjh-2017", 2024)
	given := r
	createRound(t, st, &r)
	if r.ID <= 0 || r.Version != 1 {
		t.Fatalf("CreateSurveyRound: ID %d, Version %d", r.ID, r.Version)
	}
	want := given
	want.ID, want.Version, want.CreatedAt, want.UpdatedAt = r.ID, 1, stored(given.CreatedAt), stored(given.UpdatedAt)
	diff(t, "CreateSurveyRound sets in r", r, want)
	got, err := st.SurveyRound(ctx, r.ID)
	must(t, err, "SurveyRound")
	diff(t, "SurveyRound", *got, want)
	sameTime(t, "SurveyRound.CreatedAt", got.CreatedAt, want.CreatedAt)
	got, err = st.SurveyRoundFor(ctx, "yzjh-2017", tr.countyA1.ID, 2024)
	must(t, err, "SurveyRoundFor")
	diff(t, "SurveyRoundFor", *got, want)

	dup := newRound(tr.countyA1.ID, "yzjh-2017", 2024)
	wantKind(t, st.CreateSurveyRound(ctx, &dup), ziping.Conflict, "a second round of the same unit, framework and period")
	missing := newRound(99999, "yzjh-2017", 2024)
	wantKind(t, st.CreateSurveyRound(ctx, &missing), ziping.NotFound, "a round of a missing unit")
	bad := newRound(tr.countyA2.ID, "yzjh-2017", 2024)
	bad.Status = "paused"
	wantKind(t, st.CreateSurveyRound(ctx, &bad), ziping.Invalid, "a round with an unknown status")
	_, err = st.SurveyRound(ctx, r.ID+100)
	wantKind(t, err, ziping.NotFound, "SurveyRound of a missing id")
	_, err = st.SurveyRoundFor(ctx, "lxzz-county", tr.countyA1.ID, 2024)
	wantKind(t, err, ziping.NotFound, "SurveyRoundFor of another framework")

	b := newRound(tr.countyB1.ID, "yzjh-2017", 2024)
	a2 := newRound(tr.countyA2.ID, "xqpjph-2020", 2023)
	a2.Setup = nil
	createRound(t, st, &b)
	createRound(t, st, &a2)
	ids := func(rs []ziping.SurveyRound) []int64 {
		var out []int64
		for _, x := range rs {
			out = append(out, x.ID)
		}
		return out
	}
	for _, tc := range []struct {
		q    ziping.SurveyRoundQuery
		want []int64
	}{
		{ziping.SurveyRoundQuery{}, []int64{r.ID, a2.ID, b.ID}},
		{ziping.SurveyRoundQuery{UnitPath: tr.cityA.Path}, []int64{r.ID, a2.ID}},
		{ziping.SurveyRoundQuery{Period: 2024}, []int64{r.ID, b.ID}},
		{ziping.SurveyRoundQuery{Framework: "xqpjph-2020"}, []int64{a2.ID}},
		{ziping.SurveyRoundQuery{UnitIDs: []int64{tr.countyB1.ID, tr.countyA1.ID}}, []int64{r.ID, b.ID}},
	} {
		list, err := st.SurveyRounds(ctx, tc.q)
		must(t, err, "SurveyRounds")
		diff(t, label("SurveyRounds(%+v)", tc.q), ids(list), tc.want)
	}
	got, err = st.SurveyRound(ctx, a2.ID)
	must(t, err, "SurveyRound without setup")
	if got.Setup != nil {
		t.Errorf("Setup nil came back %q", got.Setup)
	}

	upd := r
	upd.Status, upd.Setup, upd.UpdatedAt = ziping.RoundClosed, []byte(`{"population":1}`), at(time.Hour)
	must(t, st.UpdateSurveyRound(ctx, &upd), "UpdateSurveyRound")
	if upd.Version != 2 {
		t.Errorf("Version after update %d, want 2", upd.Version)
	}
	stale := r
	stale.Status = ziping.RoundOpen
	wantKind(t, st.UpdateSurveyRound(ctx, &stale), ziping.Conflict, "UpdateSurveyRound of a stale version")
	gone := r
	gone.ID = r.ID + 100
	wantKind(t, st.UpdateSurveyRound(ctx, &gone), ziping.NotFound, "UpdateSurveyRound of a missing round")
	got, err = st.SurveyRound(ctx, r.ID)
	must(t, err, "SurveyRound after update")
	if got.Status != ziping.RoundClosed || string(got.Setup) != `{"population":1}` || got.Version != 2 || got.UpdatedAt != stored(at(time.Hour)) {
		t.Errorf("after update: %+v", got)
	}
}

func testSurveyRoundTouch(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	r := newRound(tr.countyA1.ID, "yzjh-2017", 2024)
	createRound(t, st, &r)
	clean, err := st.TouchSurveyRound(ctx, r.ID)
	must(t, err, "TouchSurveyRound")
	if !clean {
		t.Error("first touch of a new round: want it reported clean")
	}
	clean, err = st.TouchSurveyRound(ctx, r.ID)
	must(t, err, "TouchSurveyRound again")
	if clean {
		t.Error("second touch: the round was dirty, want false")
	}
	upd := r
	upd.Status = ziping.RoundClosed
	must(t, st.UpdateSurveyRound(ctx, &upd), "UpdateSurveyRound of a touched round")
	got, err := st.SurveyRound(ctx, r.ID)
	must(t, err, "SurveyRound")
	if got.Changes != 2 || !got.Dirty {
		t.Errorf("after two touches and an update: Changes %d, Dirty %v; want 2, true", got.Changes, got.Dirty)
	}
	must(t, st.CleanSurveyRound(ctx, r.ID), "CleanSurveyRound")
	clean, err = st.TouchSurveyRound(ctx, r.ID)
	must(t, err, "TouchSurveyRound after clean")
	if !clean {
		t.Error("touch after CleanSurveyRound: want clean")
	}
	_, err = st.TouchSurveyRound(ctx, r.ID+100)
	wantKind(t, err, ziping.NotFound, "TouchSurveyRound of a missing round")
	wantKind(t, st.CleanSurveyRound(ctx, r.ID+100), ziping.NotFound, "CleanSurveyRound of a missing round")
}

// roundWithLink is a round of county A1 with one link.
func roundWithLink(t *testing.T, st ziping.Store) (*tree, ziping.SurveyRound, ziping.SurveyLink) {
	t.Helper()
	tr := newTree(t, st)
	r := newRound(tr.countyA1.ID, "yzjh-2017", 2024)
	createRound(t, st, &r)
	l := ziping.SurveyLink{RoundID: r.ID, Key: "k1abc", Form: "social", Group: "parent", School: "3301020001",
		SchoolName: "杭州第一中学", Area: "城区", Tokens: true, CreatedBy: 7, CreatedAt: at(0)}
	must(t, st.CreateSurveyLink(t.Context(), &l), "CreateSurveyLink")
	return tr, r, l
}

func testSurveyLinks(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	_, r, l := roundWithLink(t, st)
	want := l
	want.CreatedAt = stored(l.CreatedAt)
	got, err := st.SurveyLink(ctx, l.ID)
	must(t, err, "SurveyLink")
	diff(t, "SurveyLink", *got, want)
	got, err = st.SurveyLinkByKey(ctx, "k1abc")
	must(t, err, "SurveyLinkByKey")
	diff(t, "SurveyLinkByKey", *got, want)
	_, err = st.SurveyLinkByKey(ctx, "K1ABC")
	wantKind(t, err, ziping.NotFound, "SurveyLinkByKey is exact")
	dup := ziping.SurveyLink{RoundID: r.ID, Key: "k1abc", Form: "social", Group: "npc"}
	wantKind(t, st.CreateSurveyLink(ctx, &dup), ziping.Conflict, "a link with a key taken")
	orphan := ziping.SurveyLink{RoundID: r.ID + 100, Key: "k2", Form: "social", Group: "npc"}
	wantKind(t, st.CreateSurveyLink(ctx, &orphan), ziping.NotFound, "a link of a missing round")
	l2 := ziping.SurveyLink{RoundID: r.ID, Key: "k2", Form: "social", Group: "npc"}
	must(t, st.CreateSurveyLink(ctx, &l2), "CreateSurveyLink 2")
	must(t, st.SetSurveyLinkDisabled(ctx, l.ID, true), "SetSurveyLinkDisabled")
	wantKind(t, st.SetSurveyLinkDisabled(ctx, l2.ID+100, true), ziping.NotFound, "disabling a missing link")
	list, err := st.SurveyLinks(ctx, r.ID)
	must(t, err, "SurveyLinks")
	if len(list) != 2 || list[0].ID != l.ID || !list[0].Disabled || list[1].Disabled || list[1].School != "" {
		t.Errorf("SurveyLinks = %+v", list)
	}
	none, err := st.SurveyLinks(ctx, r.ID+100)
	must(t, err, "SurveyLinks of a missing round")
	if len(none) != 0 {
		t.Errorf("SurveyLinks of a missing round = %+v, want none", none)
	}
}

func testSurveyTokens(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	_, r, l := roundWithLink(t, st)
	other := ziping.SurveyLink{RoundID: r.ID, Key: "k2", Form: "social", Group: "npc"}
	must(t, st.CreateSurveyLink(ctx, &other), "CreateSurveyLink")
	batch := []ziping.SurveyToken{{Hash: "h1", LinkID: l.ID, Batch: 1}, {Hash: "h2", LinkID: l.ID, Batch: 1}, {Hash: "h3", LinkID: l.ID, Batch: 1}}
	must(t, st.CreateSurveyTokens(ctx, batch), "CreateSurveyTokens")
	// A batch with a hash taken is refused whole: h4 is not kept.
	wantKind(t, st.CreateSurveyTokens(ctx, []ziping.SurveyToken{{Hash: "h4", LinkID: l.ID, Batch: 2}, {Hash: "h1", LinkID: l.ID, Batch: 2}}),
		ziping.Conflict, "a batch with a hash taken")
	resp := ziping.SurveyResponse{RoundID: r.ID, LinkID: l.ID, ClientID: "c1", Form: "social", Group: "parent", Source: ziping.SourceWeb}
	_, err := st.AddSurveyResponse(ctx, &resp)
	must(t, err, "AddSurveyResponse")
	must(t, st.UseSurveyToken(ctx, "h1", l.ID, resp.ID, at(0)), "UseSurveyToken")
	wantKind(t, st.UseSurveyToken(ctx, "h1", l.ID, resp.ID, at(0)), ziping.Conflict, "a token used twice")
	wantKind(t, st.UseSurveyToken(ctx, "h2", other.ID, resp.ID, at(0)), ziping.NotFound, "a token of another link")
	wantKind(t, st.UseSurveyToken(ctx, "h4", l.ID, resp.ID, at(0)), ziping.NotFound, "a token of the refused batch")
	counts, err := st.SurveyTokenCounts(ctx, r.ID)
	must(t, err, "SurveyTokenCounts")
	diff(t, "SurveyTokenCounts", counts, map[int64]ziping.SurveyTokenCount{l.ID: {Total: 3, Used: 1}})
}

func testSurveyResponses(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	_, r, l := roundWithLink(t, st)
	first := ziping.SurveyResponse{RoundID: r.ID, LinkID: l.ID, ClientID: "3f2a-1", Form: "social", Group: "parent",
		School: "3301020001", Area: "城区", Answers: []byte(`{"q1":"满意","q2":["甲","乙"]}`), StartedAt: at(-5 * time.Minute),
		Network: "n1", Device: "d1", Source: ziping.SourceWeb, CreatedAt: at(0)}
	given := first
	added, err := st.AddSurveyResponse(ctx, &first)
	must(t, err, "AddSurveyResponse")
	if !added || first.ID <= 0 {
		t.Fatalf("AddSurveyResponse: added %v, ID %d", added, first.ID)
	}
	retry := given
	retry.Answers, retry.CreatedAt = []byte(`{"q1":"不满意"}`), at(time.Minute)
	added, err = st.AddSurveyResponse(ctx, &retry)
	must(t, err, "AddSurveyResponse retried")
	if added || retry.ID != first.ID {
		t.Errorf("a retried client id: added %v, ID %d; want false and the first's ID %d", added, retry.ID, first.ID)
	}
	imported := ziping.SurveyResponse{RoundID: r.ID, ClientID: "import:ab:2", Form: "social", Group: "parent",
		Source: ziping.SourceImport}
	_, err = st.AddSurveyResponse(ctx, &imported)
	must(t, err, "AddSurveyResponse without a link")
	orphan := ziping.SurveyResponse{RoundID: r.ID + 100, ClientID: "x", Form: "social", Group: "parent", Source: ziping.SourceWeb}
	_, err = st.AddSurveyResponse(ctx, &orphan)
	wantKind(t, err, ziping.NotFound, "a response of a missing round")
	bad := ziping.SurveyResponse{RoundID: r.ID, ClientID: "y", Form: "social", Group: "parent", Source: "mail"}
	_, err = st.AddSurveyResponse(ctx, &bad)
	wantKind(t, err, ziping.Invalid, "a response from an unknown source")

	list, err := st.SurveyResponses(ctx, r.ID)
	must(t, err, "SurveyResponses")
	want := given
	want.ID, want.CreatedAt, want.StartedAt = first.ID, stored(given.CreatedAt), stored(given.StartedAt)
	if len(list) != 2 {
		t.Fatalf("SurveyResponses: %d, want 2", len(list))
	}
	diff(t, "the first response as stored", list[0], want)
	if list[1].LinkID != 0 || !list[1].StartedAt.IsZero() || string(list[1].Answers) != "{}" {
		t.Errorf("imported response as stored: %+v", list[1])
	}
}

func testSurveyExclusions(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr, r, l := roundWithLink(t, st)
	r2 := newRound(tr.countyA2.ID, "yzjh-2017", 2024)
	createRound(t, st, &r2)
	resp := ziping.SurveyResponse{RoundID: r.ID, LinkID: l.ID, ClientID: "c", Form: "social", Group: "parent", Source: ziping.SourceWeb}
	_, err := st.AddSurveyResponse(ctx, &resp)
	must(t, err, "AddSurveyResponse")
	ex := ziping.SurveyExclusion{RoundID: r.ID, ResponseID: resp.ID, Excluded: true, Reason: "30秒内来自同一网络的第40份", By: 7, At: at(0)}
	must(t, st.AddSurveyExclusion(ctx, &ex), "AddSurveyExclusion")
	back := ziping.SurveyExclusion{RoundID: r.ID, ResponseID: resp.ID, Reason: "核实为学校机房集中作答", At: at(time.Hour)}
	must(t, st.AddSurveyExclusion(ctx, &back), "AddSurveyExclusion restore")
	wrong := ziping.SurveyExclusion{RoundID: r2.ID, ResponseID: resp.ID, Excluded: true, Reason: "x"}
	wantKind(t, st.AddSurveyExclusion(ctx, &wrong), ziping.NotFound, "excluding a response of another round")
	list, err := st.SurveyExclusions(ctx, r.ID)
	must(t, err, "SurveyExclusions")
	wantEx := ex
	wantEx.At = stored(ex.At)
	if len(list) != 2 {
		t.Fatalf("SurveyExclusions: %d, want 2", len(list))
	}
	diff(t, "the exclusion as stored", list[0], wantEx)
	if list[1].Excluded || list[1].By != 0 || list[1].ID <= list[0].ID {
		t.Errorf("the restore as stored: %+v", list[1])
	}
}

// testSurveyTx: a response and its token are written together or not at all.
func testSurveyTx(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	_, r, l := roundWithLink(t, st)
	must(t, st.CreateSurveyTokens(ctx, []ziping.SurveyToken{{Hash: "h1", LinkID: l.ID, Batch: 1}}), "CreateSurveyTokens")
	errStop := errors.New("stop")
	err := st.Tx(ctx, func(tx ziping.Store) error {
		resp := ziping.SurveyResponse{RoundID: r.ID, LinkID: l.ID, ClientID: "c", Form: "social", Group: "parent", Source: ziping.SourceWeb}
		if _, err := tx.AddSurveyResponse(ctx, &resp); err != nil {
			return err
		}
		if err := tx.UseSurveyToken(ctx, "h1", l.ID, resp.ID, at(0)); err != nil {
			return err
		}
		if _, err := tx.TouchSurveyRound(ctx, r.ID); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Tx: %v, want the function's error", err)
	}
	list, err := st.SurveyResponses(ctx, r.ID)
	must(t, err, "SurveyResponses")
	counts, err := st.SurveyTokenCounts(ctx, r.ID)
	must(t, err, "SurveyTokenCounts")
	got, err := st.SurveyRound(ctx, r.ID)
	must(t, err, "SurveyRound")
	if len(list) != 0 || counts[l.ID].Used != 0 || got.Changes != 0 || got.Dirty {
		t.Errorf("after a rolled-back Tx: %d responses, %d tokens used, changes %d dirty %v; want nothing kept",
			len(list), counts[l.ID].Used, got.Changes, got.Dirty)
	}
}

// testSurveyResponsesConcurrent: a phone that sends one answer twice at once (a
// double tap) stores one response, and both sends are told its id.
func testSurveyResponsesConcurrent(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	_, r, l := roundWithLink(t, st)
	const n = 8
	ids := make([]int64, n)
	added := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp := ziping.SurveyResponse{RoundID: r.ID, LinkID: l.ID, ClientID: "tap-tap", Form: "social", Group: "parent", Source: ziping.SourceWeb}
			added[i], errs[i] = st.AddSurveyResponse(ctx, &resp)
			ids[i] = resp.ID
		})
	}
	wg.Wait()
	first := 0
	for i := range n {
		must(t, errs[i], label("concurrent AddSurveyResponse %d", i))
		if added[i] {
			first++
		}
		if ids[i] != ids[0] || ids[i] == 0 {
			t.Errorf("send %d got id %d, send 0 got %d: want one response's id for all", i, ids[i], ids[0])
		}
	}
	list, err := st.SurveyResponses(ctx, r.ID)
	must(t, err, "SurveyResponses")
	if first != 1 || len(list) != 1 {
		t.Errorf("%d sends reported added, %d responses stored; want 1 and 1", first, len(list))
	}
}
