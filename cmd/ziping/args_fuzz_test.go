package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// FuzzExpandLists: expanding "--data a b" only ever inserts "--data" before plain
// arguments; every argument is kept, in order, and parsing never panics.
func FuzzExpandLists(f *testing.F) {
	for _, s := range []string{
		"--data\x00a.csv\x00b.csv\x00--unit\x00990102",
		"--data=a.csv\x00b.csv\x00--all\x00x",
		"x\x00--data\x00--unit\x00y",
		"--data\x00a\x00--\x00b",
		"--all=false\x00c\x00-data\x00d\x00e",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var data fileList
		fs.Var(&data, "data", "")
		fs.String("unit", "", "")
		fs.Bool("all", false, "")
		out := expandLists(fs, args)
		kept := slices.DeleteFunc(slices.Clone(out), func(a string) bool { return a == "--data" })
		want := slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--data" })
		if !slices.Equal(kept, want) {
			t.Fatalf("expandLists(%q) = %q", args, out)
		}
		_ = fs.Parse(out)
	})
}
