package survey

import (
	"strings"
	"testing"
)

func TestBuiltinsParse(t *testing.T) {
	files, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"yzjh-2017": "satisfaction", "xqpjph-2020": "kg_satisfaction", "lxzz-county": "satisfaction"}
	for _, f := range files {
		if want[f.ID] != f.Element {
			t.Errorf("%s measures %s, want %s", f.ID, f.Element, want[f.ID])
		}
		delete(want, f.ID)
	}
	if len(want) != 0 {
		t.Errorf("built-in survey files missing: %v", want)
	}
	if _, q, err := FindQuestionnaire(files, "yzjh-2017-social"); err != nil || q.Name != "社会卷" {
		t.Errorf("yzjh-2017-social: %v, %v", q, err)
	}
	if _, _, err := FindQuestionnaire(files, "nope"); err == nil || !strings.Contains(err.Error(), "yzjh-2017-student") {
		t.Errorf("an unknown questionnaire's error should list the ids: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	base, err := BuiltinSource("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown key", "threshold: 85", "threshhold: 85", "未知的键「threshhold」"},
		{"bad method", "method: value_map", "method: median", "computation.method 应为"},
		{"shares", "share: 50, questionnaire: social", "share: 40, questionnaire: social", "合计应为 100"},
		{"kind", "{id: k4, kind: scale", "{id: k4, kind: slider", "kind 应为 scale"},
		{"duplicate question", "{id: h2, kind: scale", "{id: h1, kind: scale", "题目「h1」重复"},
		{"group of another paper", "{id: k1, kind: scale,", "{id: k1, kind: scale, groups: [public],", "不答问卷「student」"},
		{"labels", "labels: [很满意, 满意, 基本满意, 不太满意, 不满意]", "labels: [满意, 不满意]", "应有 5 个选项"},
		{"element", "element: satisfaction", "element: happiness", "element 应为"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(string(base), tc.from, tc.to, 1)
			if src == string(base) {
				t.Fatalf("%q not in the file", tc.from)
			}
			_, err := Parse("my.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "my.yaml:") {
				t.Errorf("error %v does not name file:line", err)
			}
		})
	}
	if _, err := Parse("small.yaml", []byte(smallFile)); err != nil {
		t.Errorf("the fuzz seed does not parse: %v", err)
	}
	if _, err := Parse("e.yaml", nil); err == nil || !strings.Contains(err.Error(), "文件为空") {
		t.Errorf("empty file: %v", err)
	}
}

// smallFile is the smallest valid survey file: the fuzzer's seed (the built-in
// files are hundreds of lines, slow to mutate into anything new).
const smallFile = `id: t
version: "1"
name: 测试
framework: t
element: satisfaction
scale: {labels: [很满意, 满意, 基本满意, 不太满意, 不满意], unknown: 不了解}
computation: {method: value_map, values: [100, 80, 60, 30, 0]}
plan: {bands: [{below: 200000, size: 200}, {size: 300}]}
groups:
  - {id: p, name: 家长, share: 100, schools: school, questionnaire: a}
questionnaires:
  - id: a
    name: A卷
    title: 问卷
    questions:
      - {id: q1, kind: scale, text: 满意吗}
      - {id: q2, kind: multi, text: 哪些, options: [甲, 乙]}
`

func FuzzParse(f *testing.F) {
	f.Add([]byte(smallFile))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := Parse("f.yaml", data)
		if err == nil && sf == nil {
			t.Fatal("nil file without an error")
		}
		if err != nil && !strings.Contains(err.Error(), "问卷文件有误") {
			t.Fatalf("error not a FileError: %v", err)
		}
	})
}
