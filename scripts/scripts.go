// Package scripts holds the reference scripts that `ziping bench` runs beside ziping
// on the same data, so that a run compares the two whatever the directory it runs in.
package scripts

import _ "embed"

// BenchPandas is bench_pandas.py: what yzjh-2017 computes from schools, in pandas.
//
//go:embed bench_pandas.py
var BenchPandas []byte
