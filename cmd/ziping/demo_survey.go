package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ziping"
	"ziping/survey"
)

// demoSurvey runs a 社会认可度 round in the first county for the latest period with
// synthetic answers over two evenings, some of them anomalous so that the quality
// page has something to show: a burst of identical answers from one network, some
// answered faster than the questions can be read, and one school over-represented.
func demoSurvey(ctx context.Context, svc *services, county string, period int, seed uint64) (*ziping.SurveyRound, int, error) {
	r, err := svc.Survey.CreateRound(ctx, ziping.System, survey.RoundInput{Unit: county, Period: period, Questionnaire: "lxzz-county",
		Population: 420_000, Urban: 180_000, Town: 140_000, Rural: 100_000})
	if err != nil {
		return nil, 0, err
	}
	links, err := svc.Store.SurveyLinks(ctx, r.ID)
	if err != nil {
		return nil, 0, err
	}
	f, err := svc.Survey.File(ctx, r.Questionnaire, r.QuestionnaireVersion)
	if err != nil {
		return nil, 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 14))
	clock := time.Date(period, 5, 12, 19, 0, 0, 0, time.FixedZone("CST", 8*3600))
	saved := svc.Survey.Now
	svc.Survey.Now = func() time.Time { return clock }
	defer func() { svc.Survey.Now = saved }()
	n := 0
	submit := func(l ziping.SurveyLink, network string, took time.Duration, answer func(int) int) error {
		q := f.Questionnaire(l.Form)
		a := survey.Answers{}
		for i, qu := range q.Questions {
			switch qu.Kind {
			case survey.KindScale:
				a[qu.ID] = survey.Pick(answer(i))
			case survey.KindChoice:
				a[qu.ID] = survey.Pick(rng.IntN(len(qu.Options)))
			case survey.KindMulti:
				a[qu.ID] = survey.Answer{Choices: []int{rng.IntN(len(qu.Options))}}
			}
		}
		n++
		_, _, err := svc.Survey.Submit(ctx, survey.Submission{Key: l.Key, ClientID: fmt.Sprintf("demo-%08d", n), Answers: a,
			Area: survey.Areas[rng.IntN(3)], Started: clock.Add(-took), Network: network, Device: fmt.Sprintf("dev-%d", n)})
		return err
	}
	// Honest answers: mostly 很满意 and 满意, some 基本满意, a few worse, 5% 不了解.
	honest := func(int) int {
		switch x := rng.IntN(100); {
		case x < 45:
			return 0
		case x < 75:
			return 1
		case x < 88:
			return 2
		case x < 93:
			return 3
		case x < 95:
			return 4
		default:
			return 5
		}
	}
	for i := range 260 {
		l := links[rng.IntN(len(links))]
		clock = clock.Add(time.Duration(20+rng.IntN(160)) * time.Second)
		if err := submit(l, fmt.Sprintf("10.%d.%d.0/24", rng.IntN(200), i%97), time.Duration(90+rng.IntN(200))*time.Second, honest); err != nil {
			return nil, n, err
		}
	}
	// A burst: 15 identical 很满意 answers from one network within a minute.
	for range 15 {
		clock = clock.Add(3 * time.Second)
		if err := submit(links[0], "172.16.8.0/24", 70*time.Second, func(int) int { return 0 }); err != nil {
			return nil, n, err
		}
	}
	// Too fast: 6 answers in 8 seconds each.
	for range 6 {
		clock = clock.Add(2 * time.Minute)
		if err := submit(links[rng.IntN(len(links))], fmt.Sprintf("10.250.%d.0/24", rng.IntN(200)), 8*time.Second, honest); err != nil {
			return nil, n, err
		}
	}
	// One school's link pushed: 40 more answers through the last school link.
	last := links[len(links)-1]
	for i := range 40 {
		clock = clock.Add(time.Duration(30+rng.IntN(60)) * time.Second)
		if err := submit(last, fmt.Sprintf("10.251.%d.0/24", i), 120*time.Second, honest); err != nil {
			return nil, n, err
		}
	}
	if _, err := svc.Data.RunJobs(ctx); err != nil {
		return nil, n, err
	}
	return r, n, nil
}
