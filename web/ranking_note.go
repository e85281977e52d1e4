package web

import (
	"net/http"
	"strconv"

	"ziping"
	"ziping/assess"
)

// The public notice ranks the published results only, the internal ranking every
// result (self-evaluations and reviews not yet published included): the same county
// can be 3rd in one and 7th in the other. Each says among whom it ranks, and the
// internal ranking shows beside a published county's rank its rank in the notice.

// publishedRankNote is the notice's sentence on whom it ranks.
func publishedRankNote(published, counties int) string {
	s := "排名在已公布结果的" + strconv.Itoa(published) + "个区县中排出"
	if counties > published {
		s += "（共" + strconv.Itoa(counties) + "个区县，其余" + strconv.Itoa(counties-published) + "个尚未公布结果，不参加排名）"
	}
	return s + "。"
}

// notePublishedRanks words whom the internal ranking p ranks and, where the
// public notice would rank a county differently, sets the notice's rank on its row.
func (s *Server) notePublishedRanks(r *http.Request, u *ziping.OrgUnit, sel *selection, rk *assess.Ranking, p *rankingPage) error {
	if rk.OnlyPublished {
		p.RankNote = publishedRankNote(rk.Ranked, p.Counties)
		return nil
	}
	pub, err := s.svc.Assess.Ranking(r.Context(), nil, u, sel.FW, sel.Period, true)
	if err != nil {
		return err
	}
	p.RankNote = "排名在已出结果的" + strconv.Itoa(rk.Ranked) + "个区县中排出，含尚未公布的自评和复核结果；评价结果通报只在已公布结果的" +
		strconv.Itoa(pub.Ranked) + "个区县中排名"
	pubRank := map[int64]string{}
	for _, row := range pub.Rows {
		if row.Rank > 0 {
			pubRank[row.Unit.ID] = rankText(row.Rank, row.Tie)
		}
	}
	differ := false
	for i := range p.Table.Rows {
		row := &p.Table.Rows[i]
		if pr, ok := pubRank[rk.Rows[i].Unit.ID]; ok && pr != row.Rank {
			row.PubRank, differ = pr, true
		}
	}
	if differ {
		p.RankNote += "，名次不同的在排名后注明通报中的名次"
	}
	p.RankNote += "。"
	return nil
}
