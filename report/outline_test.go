package report

import (
	"fmt"
	"strings"
	"testing"
)

// templatePage is a page saved from a template site: navigation, three
// reports with their page furniture around and between them.
const templatePage = `首页 > 工作总结 > 自评报告 > 正文
县域义务教育优质均衡发展自评报告范文（精选3篇）
2023-09-12 来源：网友投稿 阅读：1234次
工作总结 工作计划 述职报告 心得体会
第一篇 银昌县2023年义务教育优质均衡发展督导评估自评报告
　　根据《县域义务教育优质均衡发展督导评估办法》要求，现将我县自评情况报告如下：
一、基本情况
全县共有义务教育学校x所，在校生12345人。
二、主要做法及成效
（一）坚持规划引领。县委、县政府把义务教育优质均衡发展纳入全县总体规划。
1.完善投入机制。2023年教育支出增长1.5%，高于上年。
（1）落实生均公用经费。小学每生每年不低于x元。
(2)保障教师工资。教师平均工资不低于公务员。
2．优化学校布局。新建学校3所。
(二)加强教师队伍建设，提升育人水平
１．补充教师x名。
三、存在问题
（1）个别学校大班额问题仍然存在。
四、下一步工作
我们将继续努力。
银昌县人民政府
2023年9月10日
本文由范文网整理，仅供参考。
更多相关文章：
点击下载本文
第二篇：清河县义务教育优质均衡发展自评报告
一、工作成效
（一）党的全面领导：县委常委会每年专题研究教育工作xx次。
（二）落实教育优先发展
教育经费实现“两个只增不减”。
二、存在的问题
大班额比例为x%。
上一篇：学校安全工作总结
下一篇：教师述职报告
【范文3】
石门县义务教育工作汇报
一. 基本情况
全县教育事业稳步发展。
二．主要做法
(一) 依法治教、依法治校
学校章程覆盖率100%。
标签：自评报告 督导评估
免责声明：本站文章均来自网络，如有侵权请联系删除。
分享到： 微信 QQ 微博
Copyright © 2023 范文网 版权所有
`

// outlineString renders a tree as one line per heading: indent, level, number, title.
func outlineString(s *OutlineSection) string {
	var b strings.Builder
	s.Walk(func(x *OutlineSection) {
		if x.Level > 0 {
			fmt.Fprintf(&b, "%s%d %s %s\n", strings.Repeat("  ", x.Level-1), x.Level, x.Number, x.Title)
		}
	})
	return b.String()
}

func placeholderKinds(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%s", f.Line, f.Text))
	}
	return out
}

func TestSplitArticlesTemplatePage(t *testing.T) {
	arts := SplitArticles(templatePage)
	if len(arts) != 3 {
		for _, a := range arts {
			t.Logf("article %q", a.Title)
		}
		t.Fatalf("%d articles, want 3", len(arts))
	}
	wantTitles := []string{
		"银昌县2023年义务教育优质均衡发展督导评估自评报告",
		"清河县义务教育优质均衡发展自评报告",
		"石门县义务教育工作汇报",
	}
	wantStart := []int{5, 26, 35}
	for i, a := range arts {
		if a.Title != wantTitles[i] || a.StartLine != wantStart[i] {
			t.Errorf("article %d: title %q line %d, want %q line %d", i+1, a.Title, a.StartLine, wantTitles[i], wantStart[i])
		}
	}
	wantOutlines := []string{
		`1 一、 基本情况
1 二、 主要做法及成效
  2 （一） 坚持规划引领
    3 1. 完善投入机制
      4 （1） 落实生均公用经费
      4 （2） 保障教师工资
    3 2． 优化学校布局
  2 （二） 加强教师队伍建设，提升育人水平
    3 １． 补充教师x名
1 三、 存在问题
      4 （1） 个别学校大班额问题仍然存在
1 四、 下一步工作
`,
		`1 一、 工作成效
  2 （一） 党的全面领导
  2 （二） 落实教育优先发展
1 二、 存在的问题
`,
		`1 一. 基本情况
1 二． 主要做法
  2 （一） 依法治教、依法治校
`,
	}
	for i, a := range arts {
		if got := outlineString(a.Root); got != wantOutlines[i] {
			t.Errorf("article %d outline:\n%s\nwant:\n%s", i+1, got, wantOutlines[i])
		}
	}
	furniture := []string{"首页", "范文（精选3篇）", "来源", "工作计划", "本文由", "更多相关", "点击下载",
		"上一篇", "下一篇", "标签", "免责声明", "分享到", "Copyright", "版权所有", "【范文3】", "第二篇"}
	for i, a := range arts {
		for _, f := range furniture {
			if strings.Contains(a.Body, f) {
				t.Errorf("article %d body keeps furniture %q", i+1, f)
			}
		}
	}
	if !strings.HasSuffix(arts[0].Body, "银昌县人民政府\n2023年9月10日") {
		t.Errorf("article 1 lost its signature: …%q", arts[0].Body[len(arts[0].Body)-60:])
	}
	wantPH := [][]string{
		{"8:x所", "12:x元", "16:x名"},
		{"28:xx次", "32:x%"},
		nil,
	}
	for i, a := range arts {
		if got := placeholderKinds(a.Placeholders); fmt.Sprint(got) != fmt.Sprint(wantPH[i]) {
			t.Errorf("article %d placeholders %v, want %v", i+1, got, wantPH[i])
		}
	}
	// Sections carry lines of the whole text and same-line paragraphs.
	lines := strings.Split(templatePage, "\n")
	arts[0].Root.Walk(func(s *OutlineSection) {
		if s.Level > 0 && !strings.Contains(lines[s.Line-1], s.Title) {
			t.Errorf("section %s%s at line %d: %q", s.Number, s.Title, s.Line, lines[s.Line-1])
		}
	})
	plan := arts[0].Root.Children[1].Children[0]
	if plan.Text != "县委、县政府把义务教育优质均衡发展纳入全县总体规划。" {
		t.Errorf("（一） text %q", plan.Text)
	}
	if d, n := arts[0].Root.Depth(), arts[0].Root.Counts(); d != 4 || n != [5]int{0, 4, 2, 3, 3} {
		t.Errorf("depth %d counts %v", d, n)
	}
}

func TestSplitArticlesSingle(t *testing.T) {
	text := `当前位置：首页 > 范文
关于我县义务教育优质均衡发展的自评报告
XX县人民政府
现将有关情况报告如下。
一、基本情况
全县共有学校20所。
二、存在问题
师资不足。
相关推荐
`
	arts := SplitArticles(text)
	if len(arts) != 1 {
		t.Fatalf("%d articles", len(arts))
	}
	a := arts[0]
	if a.Title != "关于我县义务教育优质均衡发展的自评报告" || a.StartLine != 2 {
		t.Errorf("title %q line %d", a.Title, a.StartLine)
	}
	if want := "1 一、 基本情况\n1 二、 存在问题\n"; outlineString(a.Root) != want {
		t.Errorf("outline %q", outlineString(a.Root))
	}
	if strings.Contains(a.Body, "相关推荐") || !strings.HasPrefix(a.Body, "XX县人民政府\n") {
		t.Errorf("body %q", a.Body)
	}
	if got := placeholderKinds(a.Placeholders); fmt.Sprint(got) != "[3:XX县]" {
		t.Errorf("placeholders %v", got)
	}
	if SplitArticles("") != nil || SplitArticles("\n  \n") != nil {
		t.Error("empty text gives articles")
	}
}

func TestSplitArticlesNumberedTitles(t *testing.T) {
	text := `1、甲县义务教育优质均衡发展自评报告
一、基本情况
甲县概况。
2、乙县义务教育优质均衡发展自评报告
一、基本情况
乙县概况。
`
	arts := SplitArticles(text)
	if len(arts) != 2 || arts[0].Title != "甲县义务教育优质均衡发展自评报告" || arts[1].Title != "乙县义务教育优质均衡发展自评报告" {
		t.Fatalf("articles %+v", arts)
	}
}

func TestParseOutlineNoNumbering(t *testing.T) {
	text := "全县教育事业稳步发展。\n\n教育支出逐年增长。\n"
	root := ParseOutline(text)
	if len(root.Children) != 0 || root.Level != 0 || root.Line != 1 {
		t.Fatalf("root %+v", root)
	}
	if root.Text != "全县教育事业稳步发展。\n教育支出逐年增长。" {
		t.Errorf("text %q", root.Text)
	}
}

func TestParseOutlineNotHeadings(t *testing.T) {
	for _, line := range []string{
		"增长1.5%，高于全省平均水平。",
		"1.5万元用于改善办学条件。",
		"２．５亿元投入学校建设。",
		"全县坚持一、二年级不留书面作业。",
		"一、二年级学生全部实行弹性离校。",
		"按照第1.条规定执行。",
		"十一十、不是编号",
		"（一）",
		"1.",
		"(12345) 不是编号",
		"2023年完成建设。",
	} {
		if root := ParseOutline(line); len(root.Children) != 0 {
			t.Errorf("%q: headings %s", line, outlineString(root))
		}
	}
	for _, tt := range []struct{ line, want string }{
		{"　　一、基本情况", "1 一、 基本情况\n"},
		{"二十三、其他", "1 二十三、 其他\n"},
		{"十、其他", "1 十、 其他\n"},
		{"（一）坚持规划引领。全县……", "1 （一） 坚持规划引领\n"},
		{"(一)、落实责任", "1 (一)、 落实责任\n"},
		{"（１）补充教师：共12名", "1 （１） 补充教师\n"},
		{"## 三、存在问题", "1 三、 存在问题\n"},
		{"**1. 完善机制**", "1 1. 完善机制\n"},
	} {
		// Level aside, a lone heading is the root's child; check number and title.
		root := ParseOutline(tt.line)
		if len(root.Children) != 1 {
			t.Errorf("%q: %d headings", tt.line, len(root.Children))
			continue
		}
		c := root.Children[0]
		if got := fmt.Sprintf("1 %s %s\n", c.Number, c.Title); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestParseOutlineSkippedLevels(t *testing.T) {
	root := ParseOutline("一、总体\n（1）细目甲\n（2）细目乙\n（一）分项\n1.要点\n二、其次")
	want := "1 一、 总体\n      4 （1） 细目甲\n      4 （2） 细目乙\n  2 （一） 分项\n    3 1. 要点\n1 二、 其次\n"
	if got := outlineString(root); got != want {
		t.Errorf("outline:\n%s\nwant:\n%s", got, want)
	}
}

func TestMapAreas(t *testing.T) {
	arts := SplitArticles(templatePage)
	areas := []string{"党对教育工作的全面领导", "落实教育优先发展", "加强教师队伍建设", "依法治教、依法治校和学校规范管理"}
	got := map[string]string{}
	for _, a := range arts {
		for s, area := range MapAreas(a.Root, areas) {
			got[s.Number+s.Title] = area
		}
	}
	want := map[string]string{
		"（二）加强教师队伍建设，提升育人水平": "加强教师队伍建设",
		"（一）党的全面领导":          "党对教育工作的全面领导",
		"（二）落实教育优先发展":        "落实教育优先发展",
		"（一）依法治教、依法治校":       "依法治教、依法治校和学校规范管理",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MapAreas = %v, want %v", got, want)
	}
	if len(MapAreas(nil, areas)) != 0 || len(MapAreas(arts[0].Root, nil)) != 0 {
		t.Error("empty input maps something")
	}
}

func FuzzParseOutline(f *testing.F) {
	f.Add(templatePage)
	f.Add("一、\n（1）\n(一)x\n1.5\n１．a。b")
	f.Add("第一篇\n\n【范文2】\n篇三：")
	f.Fuzz(func(t *testing.T, text string) {
		n := strings.Count(text, "\n") + 1
		ParseOutline(text).Walk(func(s *OutlineSection) {
			if s.Line < 1 || s.Line > n {
				t.Fatalf("section %q at line %d of %d", s.Title, s.Line, n)
			}
		})
		for _, a := range SplitArticles(text) {
			a.Root.Walk(func(s *OutlineSection) {
				if s.Line < 1 || s.Line > n {
					t.Fatalf("article section %q at line %d of %d", s.Title, s.Line, n)
				}
			})
		}
	})
}

// BenchmarkImport60KB is the Speed target of issue 5: a 60 KB multi-article
// text split, outlined and linted in under 50 ms.
func BenchmarkImport60KB(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 60<<10 {
		sb.WriteString(templatePage)
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if len(SplitArticles(text)) == 0 {
			b.Fatal("no articles")
		}
	}
}
