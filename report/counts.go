package report

import (
	"ziping/engine"
)

// counts are the points of a result (or of one area) by state, and their marks. The
// report states every count from here — the text, the area table and 附件1 — so
// that they never disagree.
type counts struct {
	points, passed, failed int
	pending                int // waiting for a person or for data (待评), uncomputable included
	uncomputable           int // of pending: the data cannot compute them
	max, score             float64
	lost                   float64 // marks lost by scored points
	open                   float64 // marks of the points not scored yet that they do not have yet
}

func (c *counts) add(p *engine.PointResult) {
	c.points++
	c.max += p.Max
	switch {
	case p.Status == engine.StatusPending || p.Status == engine.StatusUncomputable:
		// What its scored rules already gave counts as score; the rest waits.
		c.pending++
		c.score += p.Score
		c.open += p.Max - p.Score
		if p.Status == engine.StatusUncomputable {
			c.uncomputable++
		}
	case p.Lost > 0:
		c.failed++
		c.lost += p.Lost
		c.score += p.Score
	default:
		c.passed++
		c.score += p.Score
	}
}

// plus adds another area's counts.
func (c *counts) plus(o counts) {
	c.points += o.points
	c.passed += o.passed
	c.failed += o.failed
	c.pending += o.pending
	c.uncomputable += o.uncomputable
	c.max += o.max
	c.score += o.score
	c.lost += o.lost
	c.open += o.open
}

// round rounds the marks to the framework's precision.
func (c counts) round(fw *engine.Framework) counts {
	c.max, c.score, c.lost, c.open = fw.Round(c.max), fw.Round(c.score), fw.Round(c.lost), fw.Round(c.open)
	return c
}

func countArea(a *engine.AreaResult, fw *engine.Framework) counts {
	var c counts
	for i := range a.Points {
		c.add(&a.Points[i])
	}
	return c.round(fw)
}

func countResult(res *engine.Result, fw *engine.Framework) counts {
	var c counts
	for i := range res.Areas {
		c.plus(countArea(&res.Areas[i], fw))
	}
	return c.round(fw)
}

// decided reports whether every point is scored: only then is a grade or verdict
// stated.
func (c counts) decided() bool { return c.pending == 0 }
