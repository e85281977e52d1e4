package engine_test

import (
	"strings"
	"testing"

	"ziping/engine"
)

// goodFW is a valid framework; each rejection case changes one line of it.
const goodFW = `id: t
name: 测试
version: "1"
level: county
grading: {kind: grade, bands: [{name: 合格, min: 60}, {name: 不合格, min: 0}]}
filters:
  - {id: primary, expr: 'stage == "小学"'}
school_metrics:
  - {id: eq, name: 生均设备值, expr: equipment_value / students}
metrics:
  - {id: cv, name: 差异系数, expr: 'cv("eq", "primary")'}
  - {id: sat, name: 认可度, expr: satisfaction}
areas:
  - code: A
    name: 甲
    points:
      - code: "1"
        title: 均衡
        max: 2
        rules:
          - {kind: threshold, metric: cv, op: "<=", value: 0.5}
bonus:
  cap: 3
  items:
    - {code: J1, title: 表彰, max: 2, rules: [{kind: manual}]}
`

func TestGoodFrameworkLoads(t *testing.T) {
	if _, err := engine.Load("t.yaml", []byte(goodFW)); err != nil {
		t.Fatal(err)
	}
}

func TestFrameworkRejected(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		want           string
	}{
		{"yaml syntax", `name: 测试`, `name: [测试`, "t.yaml:2: YAML 格式错误: 括号或缩进不匹配（did not find expected ',' or ']'）"},
		{"unknown key", `        max: 2`, `        maxx: 2`, "t.yaml:19: YAML 格式错误: 未知的键「maxx」"},
		{"unknown metric in a rule", `metric: cv, op`, `metric: cvv, op`, "t.yaml:21: 测评点「1」的规则引用了未定义的指标「cvv」"},
		{"unknown data element", `expr: satisfaction}`, `expr: satisfactoin}`, "t.yaml:12: 指标「sat」: 未知的数据项「satisfactoin」"},
		{"school data in a unit metric", `expr: satisfaction}`, `expr: students}`, "t.yaml:12: 指标「sat」: 「students」是学校级数据，请用 sum、cv 等函数汇总，如 sum(\"students\")"},
		{"unknown school element", `expr: equipment_value / students}`, `expr: equipment / students}`, "t.yaml:9: 学校指标「eq」: 未知的学校数据项或指标「equipment」"},
		{"unknown filter", `cv("eq", "primary")`, `cv("eq", "primery")`, "t.yaml:11: 指标「cv」: 函数 cv 引用了未定义的筛选条件「primery」"},
		{"expression syntax", `expr: satisfaction}`, `expr: 'satisfaction +'}`, "t.yaml:12: 指标「sat」: 公式「satisfaction +」无法解析: unexpected token EOF (1:14)"},
		{"rules exceed max", `op: "<=", value: 0.5}`, `op: "<=", value: 0.5, points: 3}`, "t.yaml:17: 测评点「1」的规则分值合计 3 超过满分 2"},
		{"bonus beyond cap", `max: 2, rules: [{kind: manual}]}`, `max: 4, rules: [{kind: manual}]}`, "t.yaml:25: 加分项「J1」的分值 4 超过加分上限 3"},
		{"bonus code not J and a number", `{code: J1, title: 表彰`, `{code: K1, title: 表彰`, "t.yaml:25: 加分项编号「K1」应为J加数字（如J1，页面上写作加分项1）"},
		{"point code of a bonus item", `      - code: "1"`, `      - code: "J2"`, "t.yaml:17: 测评点编号「J2」是加分项的编号（J加数字，页面上写作加分项2），测评点请换一个编号"},
		{"bad reason field", `value: 0.5}`, `value: 0.5, reason: '扣{{.Lots}}分'}`, "t.yaml:21: 测评点「1」的扣分理由模板有误: 没有字段 .Lots（可用 .Code .Path .Title .Label .Value .Threshold .Gap .Max .Score .Lost .Count .Schools .Missing .Justification .Why .Change）"},
		{"metric cycle", `expr: satisfaction}`, `expr: 'metric("sat")'}`, "t.yaml:12: 指标之间循环引用: sat → sat"},
		{"bad op", `op: "<="`, `op: "=<"`, "t.yaml:21: 测评点「1」的 threshold 规则的比较符 op 应为 >=、>、<=、< 或 ==，而不是「=<」"},
		{"duplicate area code", "  - code: A\n    name: 甲", "  - code: A\n    name: 甲\n    points: []\n  - code: A\n    name: 乙", "t.yaml:14: 一级指标「甲」没有测评点\nt.yaml:17: 一级指标编号「A」重复"},
		{"metric without a name", `{id: sat, name: 认可度, expr`, `{id: sat, expr`, "t.yaml:12: 指标「sat」缺少名称 name"},
		{"unknown function", `expr: satisfaction}`, `expr: 'avg(satisfaction)'}`, "t.yaml:12: 指标「sat」: 未知的函数「avg」（可用 composite_cv、count、cv、growth、metric、per100、per_student、prev、sum、wmean、min、max）"},
		{"unknown rule kind", `kind: threshold`, `kind: thresold`, "t.yaml:21: 测评点「1」的规则类型「thresold」未知（可用 threshold、linear、deduct、checklist、manual）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(goodFW, tc.old, tc.new, 1)
			if src == goodFW {
				t.Fatalf("case does not change the framework")
			}
			_, err := engine.Load("t.yaml", []byte(src))
			wantProblems(t, err, tc.want)
		})
	}
}

// wantProblems checks that err is a FrameworkError listing exactly the problems of
// want, one a line.
func wantProblems(t *testing.T, err error, want string) {
	t.Helper()
	fe, ok := err.(*engine.FrameworkError)
	if !ok {
		t.Fatalf("got %v, want a FrameworkError", err)
	}
	var got []string
	for _, p := range fe.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}
