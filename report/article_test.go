package report

import (
	"strings"
	"testing"
)

func TestNormalizePunct(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"(一)基本情况":               "（一）基本情况",
		"情况,成效;问题:":             "情况，成效；问题：",
		"在园幼儿12,345人":           "在园幼儿12,345人",
		"师生比1:9.8":              "师生比1:9.8",
		"f(x) 的值":               "f(x) 的值",
		"a, b and c":            "a, b and c",
		"(2)保障教师工资":             "（2）保障教师工资",
		"见附件(1)。":               "见附件（1）。",
		"Windows (XP) 系统":       "Windows (XP) 系统",
		"学校(含教学点)":              "学校（含教学点）",
		"增长 1.5%, 高于上年":         "增长 1.5%， 高于上年",
		"(x-1)(x+1)":            "(x-1)(x+1)",
		"http://a.cn/x,y":       "http://a.cn/x,y",
		"一、基本情况":                "一、基本情况",
		"共有学校(所):86":            "共有学校（所）：86",
		"教育局,财政局,人社局":           "教育局，财政局，人社局",
		"GB/T 9704-2012 (公文格式)": "GB/T 9704-2012 （公文格式）",
	} {
		if got := NormalizePunct(in); got != want {
			t.Errorf("NormalizePunct(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestArticleOwnTitle: a template site's label gives way to the article's own title
// line, which leaves the body; a title printed on three lines is one title.
func TestArticleOwnTitle(t *testing.T) {
	t.Parallel()
	page := "【范文1】\n银昌县义务教育优质均衡发展\n自评报告\n一、基本情况\n全县共有学校10所。\n【范文2】\n精选范文\n清河县2023年履行教育职责自评报告\n一、基本情况\n全县共有学校20所。\n"
	arts := SplitArticles(page)
	if len(arts) != 2 {
		t.Fatalf("%d articles", len(arts))
	}
	for i, want := range []string{"银昌县义务教育优质均衡发展自评报告", "清河县2023年履行教育职责自评报告"} {
		if arts[i].Title != want {
			t.Errorf("article %d: title %q, want %q", i+1, arts[i].Title, want)
		}
		if strings.Contains(arts[i].Body, "自评报告") {
			t.Errorf("article %d: the title stays in the body:\n%s", i+1, arts[i].Body)
		}
	}
	single := SplitArticles("石门县人民政府关于对照\n《县级人民政府履行教育职责评价办法》\n开展2024年度履行教育职责自评情况的报告\n\n青山市人民政府教育督导委员会办公室：\n根据要求，现将有关情况报告如下：\n一、基本情况\n全县共有学校6所。\n附件：1.评分表\n\n石门县人民政府\n2025年3月28日\n附件1\n| a | b |\n")
	if len(single) != 1 || single[0].Title != "石门县人民政府关于对照《县级人民政府履行教育职责评价办法》开展2024年度履行教育职责自评情况的报告" {
		t.Fatalf("single = %+v", single)
	}
	if b := single[0].Body; strings.Contains(b, "附件") || strings.Contains(b, "2025年3月28日") || !strings.HasPrefix(b, "青山市人民政府教育督导委员会办公室：") {
		t.Errorf("body keeps the signature or annex, or lost the recipient:\n%s", b)
	}
}

// TestDraftMarkdownAreaNotes: the draft says which area each subsection of 主要做法
// maps to, with the similarity, and lists the ones that map to none; the report
// reads the notes and keeps the subsections' text under their areas.
func TestDraftMarkdownAreaNotes(t *testing.T) {
	t.Parallel()
	text := "甲县自评报告\n一、主要做法及成效\n（一）强化党的领导，落实主体责任\n县委常委会专题研究教育工作。\n（二）加强教师队伍建设，提升育人水平\n补充教师120名。\n（三）推进智慧校园\n建成智慧教室。\n二、下一步工作打算\n（一）加强教师队伍建设\n继续补充教师。\n"
	arts := SplitArticles(text)
	res, fw := fixture(t, "lxzz-county", modelCounty)
	var areas []string
	for _, a := range fw.Areas {
		areas = append(areas, a.Name)
	}
	md := DraftMarkdown(arts[0], areas)
	for _, want := range []string{
		// 「强化党的领导」 shares one pair of characters with 「党对教育工作的全面领导」: too few.
		"<!-- ziping 未对应一级指标的节：（一）强化党的领导，落实主体责任、（三）推进智慧校园 -->",
		"<!-- ziping 一级指标：加强教师队伍建设（相似度1.00） -->\n\n### （二）加强教师队伍建设，提升育人水平",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("draft lacks %q:\n%s", want, md)
		}
	}
	if strings.Count(md, "一级指标：加强教师队伍建设") != 1 {
		t.Errorf("a subsection of 下一步工作打算 got an area note:\n%s", md)
	}
	r, err := Build(res, fw, []byte(md), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Markdown()
	teachers := strings.Index(got, "加强教师队伍建设\n\n补充教师120名。\n\n义务教育专任教师")
	plan := strings.Index(got, "## 四、下一步工作打算\n\n### （一）加强教师队伍建设\n\n继续补充教师。")
	if teachers < 0 || plan < 0 || strings.Contains(got, "ziping 一级指标") {
		t.Errorf("areas misplaced or notes printed (%d, %d):\n%s", teachers, plan, got)
	}
}
