package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"ziping/synth"
	"ziping/xlsx"
)

const demoDataUsage = `demo-data --counties M --schools N [--kindergartens K] [--seed S] [--periods 2023,2024] -o FILE.xlsx|FILE.csv`

func runDemoData(e *env, args []string) error {
	fs := newFlags(e, "demo-data", demoDataUsage)
	counties := fs.Int("counties", 8, "区县数")
	schools := fs.Int("schools", 400, "学校总数")
	kgs := fs.Int("kindergartens", -1, "幼儿园总数（默认与学校数相同；0 为不生成）")
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同数据）")
	periods := fs.String("periods", "2023,2024", "年度，逗号分隔")
	out := fs.String("o", "", "输出文件：.xlsx（学校、区县两个工作表）或 .csv（另写 *.区县.csv）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("缺少 -o 输出文件")
	}
	cfg := synth.Config{Counties: *counties, Schools: *schools, Kindergartens: *kgs, Seed: *seed}
	if *kgs < 0 {
		cfg.Kindergartens = defaultKindergartens(*schools)
	}
	for _, p := range strings.Split(*periods, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || y < 1900 || y > 2100 {
			return usagef("--periods 中的年度「%s」无效", p)
		}
		cfg.Periods = append(cfg.Periods, y)
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	files, err := writeDemoData(cfg, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成 %d 个区县、%d 所学校、%d 所幼儿园、%d 个年度的模拟数据：%s\n", *counties, *schools, cfg.Kindergartens, len(cfg.Periods), strings.Join(files, "、"))
	return nil
}

// defaultKindergartens is how many kindergartens go with a number of schools: as many,
// which gives the generated counties (whose schools are larger than the national
// average) kindergartens of a few hundred children.
func defaultKindergartens(schools int) int { return schools }

// writeDemoData writes a generated province to out (.xlsx: sheets 学校, 幼儿园 when
// there are kindergartens, and 区县; .csv: the school table there, the kindergarten
// and county tables beside it as *.幼儿园.csv and *.区县.csv) and returns the files
// written.
func writeDemoData(cfg synth.Config, out string) ([]string, error) {
	p := synth.GenerateProvince(cfg)
	tables := []xlsx.Table{{Sheet: "学校", Header: p.Schools.Header, Rows: p.Schools.Rows}}
	if len(p.Kindergartens.Rows) > 0 {
		tables = append(tables, xlsx.Table{Sheet: "幼儿园", Header: p.Kindergartens.Header, Rows: p.Kindergartens.Rows})
	}
	tables = append(tables, xlsx.Table{Sheet: "区县", Header: p.Counties.Header, Rows: p.Counties.Rows})
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		return []string{out}, writeFile(out, func(w *bufio.Writer) error { return xlsx.WriteXLSX(w, tables) })
	case ".csv":
		base := strings.TrimSuffix(out, filepath.Ext(out))
		var files []string
		for i, t := range tables {
			name := out
			if i > 0 {
				name = base + "." + t.Sheet + ".csv"
			}
			if err := writeFile(name, func(w *bufio.Writer) error { return xlsx.WriteCSV(w, t) }); err != nil {
				return nil, err
			}
			files = append(files, name)
		}
		return files, nil
	}
	return nil, usagef("输出文件应以 .xlsx 或 .csv 结尾")
}

func writeFile(path string, write func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("无法创建 %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("写入 %s 失败: %w", path, err)
	}
	return nil
}
