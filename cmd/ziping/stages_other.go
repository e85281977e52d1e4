//go:build !unix

package main

// processUsage is not measured without getrusage: the stages show wall time only.
func processUsage() usage { return usage{} }
