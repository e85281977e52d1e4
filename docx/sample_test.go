package docx

import (
	"fmt"
	"time"
)

// sample is a short self-evaluation report with every heading level, paragraphs, a
// score table, the issuer and the date.
func sample() *Document {
	return &Document{
		Title:  "某某县人民政府关于县域学前教育普及普惠\n督导评估的自评报告",
		Issuer: "某某县人民政府",
		Date:   time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC),
		Blocks: []Block{
			{Kind: Paragraph, Text: "根据《县域学前教育普及普惠督导评估办法》要求，我县对照评估内容和标准，认真开展自查自评，现将有关情况报告如下。"},
			{Kind: Heading1, Text: "基本情况"},
			{Kind: Paragraph, Text: "全县共有幼儿园86所，其中公办园52所，普惠性民办园27所；在园幼儿12,345人，学前三年毛入园率达到96.5%，普惠性幼儿园覆盖率达到92.1%。"},
			{Kind: Heading1, Text: "主要做法及成效"},
			{Kind: Heading2, Text: "坚持规划引领，扩大普惠资源"},
			{Kind: Heading3, Text: "科学编制布局规划。"},
			{Kind: Paragraph, Text: "结合人口变化趋势和城镇化进程，修订完善幼儿园布局规划，新建、改扩建公办园12所，新增学位3,600个。"},
			{Kind: Heading4, Text: "城区配套幼儿园治理。"},
			{Kind: Paragraph, Text: "完成城镇小区配套幼儿园专项治理，移交办成公办园8所。"},
			{Kind: Heading4, Text: "农村幼儿园建设。"},
			{Kind: Paragraph, Text: "实现每个乡镇至少一所公办中心园。"},
			{Kind: Heading3, Text: "健全经费保障机制。"},
			{Kind: Paragraph, Text: "生均公用经费标准提高到每生每年800元，财政性学前教育经费占同级财政性教育经费的比例为6.2%。"},
			{Kind: Heading2, Text: "加强队伍建设，提升保教质量"},
			{Kind: Heading3, Text: "配齐配足教职工。"},
			{Kind: Paragraph, Text: "公办园教职工与幼儿比达到1:9.8，专任教师持证率100%。"},
			{Kind: Heading1, Text: "自评结果"},
			{Kind: Paragraph, Text: "对照评估指标逐项自评，各项得分如下表。"},
			{Kind: TableBlock, Table: &Table{
				Header: []string{"评估内容", "分值", "自评得分", "备注"},
				Rows: [][]string{
					{"普及普惠水平", "30", "28.5", "毛入园率96.5%"},
					{"政府保障情况", "40", "37", ""},
					{"幼儿园保教质量保障情况", "30", "27", "<含转义&字符>"},
					{"合计", "100", "92.5", ""},
				},
				Widths: []float64{4, 1.5, 1.5, 3},
			}},
			{Kind: Heading1, Text: "存在问题"},
			{Kind: Paragraph, Text: "一是部分乡镇中心园班额偏大；\n二是保育教育质量仍有提升空间。"},
			{Kind: Heading1, Text: "下一步工作"},
			{Kind: Paragraph, Text: "我县将持续加大投入，巩固普及普惠成果，推动学前教育优质发展。"},
		},
	}
}

// county is a county report of about fifteen pages: four areas with subsections,
// paragraphs and a score table each.
func county() *Document {
	d := &Document{Title: "某某县义务教育优质均衡发展督导评估自评报告", Issuer: "某某县人民政府", Date: time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC)}
	para := "全县坚持把义务教育优质均衡发展作为教育工作的重中之重，统筹推进学校标准化建设，优化教师队伍结构，各项指标达到国家规定标准，学校之间差异系数持续缩小，群众满意度稳步提升。"
	for a := range 5 {
		d.Blocks = append(d.Blocks, Block{Kind: Heading1, Text: fmt.Sprintf("评估领域%d", a+1)})
		for s := range 3 {
			d.Blocks = append(d.Blocks, Block{Kind: Heading2, Text: fmt.Sprintf("主要做法%d", s+1)})
			for k := range 2 {
				d.Blocks = append(d.Blocks, Block{Kind: Heading3, Text: fmt.Sprintf("具体措施%d。", k+1)})
				d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: para + para})
			}
		}
		t := &Table{Header: []string{"指标", "标准", "实际值", "得分"}, Widths: []float64{4, 2, 2, 1}}
		for r := range 8 {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("指标%d 生均教学及辅助用房面积", r+1), "≥4.5", "5.12", "3"})
		}
		d.Blocks = append(d.Blocks, Block{Kind: TableBlock, Table: t})
	}
	return d
}
