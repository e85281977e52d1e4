package assess

// SetRecomputeChunk makes recompute work n assessments at a time until the returned
// function restores the size.
func SetRecomputeChunk(n int) (restore func()) {
	old := recomputeChunk
	recomputeChunk = n
	return func() { recomputeChunk = old }
}
