package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestStages: with ZIPING_TIMES set, evaluate --all --format json times reading,
// evaluating into the temporary file, writing in ranked order and the whole, each
// with its CPU time and page faults; the table output times evaluating and writing
// as one stage; without ZIPING_TIMES nothing is said.
func TestStages(t *testing.T) {
	data := fixture(t)
	times := func(key string) func(string) string {
		return func(k string) string {
			if k == key {
				return "1"
			}
			return ""
		}
	}
	line := regexp.MustCompile(`(?m)^用时 (\S+) +墙钟 +[0-9.]+ ms  CPU +[0-9.]+ ms（[0-9.]+核）  缺页 +[0-9]+次$`)
	for _, tc := range []struct {
		env  string
		args []string
		want []string
	}{
		{"ZIPING_TIMES", []string{"--format", "json", "-o", filepath.Join(t.TempDir(), "o.json")}, []string{"读取数据", "评价并暂存", "按名次写出", "合计"}},
		{"ZIPING_TIMES", nil, []string{"读取数据", "评价并写出", "合计"}},
		{"", []string{"--format", "json"}, nil},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--all"}, tc.args...)
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errb, times(tc.env)); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errb.String())
		}
		var got []string
		for _, m := range line.FindAllStringSubmatch(errb.String(), -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s %v: stages %v, want %v\n%s", tc.env, tc.args, got, tc.want, errb.String())
		}
	}
}
