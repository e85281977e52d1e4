package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"ziping"
	"ziping/pgtest"
)

// TestSurveyResponsesAppendOnly: the database itself refuses to change or delete a
// response, whatever a future store method might try.
func TestSurveyResponsesAppendOnly(t *testing.T) {
	dsn := pgtest.DSN(t)
	db := openDSN(t, dsn)
	ctx := t.Context()
	u := &ziping.OrgUnit{Code: "990102", Name: "甲县", Level: ziping.LevelCounty}
	if err := db.CreateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	r := &ziping.SurveyRound{UnitID: u.ID, Period: 2024, Framework: "yzjh-2017", Questionnaire: "yzjh-2017",
		QuestionnaireVersion: "1", Status: ziping.RoundOpen, Salt: "s"}
	if err := db.CreateSurveyRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	resp := &ziping.SurveyResponse{RoundID: r.ID, ClientID: "c", Form: "social", Group: "parent", Source: ziping.SourceWeb}
	if _, err := db.AddSurveyResponse(ctx, resp); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, stmt := range []string{
		`UPDATE survey_responses SET answers = '\x7b7d' WHERE id = $1`,
		`DELETE FROM survey_responses WHERE id = $1`,
	} {
		if _, err := conn.Exec(ctx, stmt, resp.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse it", stmt, err)
		}
	}
	list, err := db.SurveyResponses(ctx, r.ID)
	if err != nil || len(list) != 1 || list[0].ClientID != "c" {
		t.Errorf("after the refused writes: %+v %v; want the response unchanged", list, err)
	}
}
