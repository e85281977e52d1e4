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

const demoDataUsage = `demo-data --counties M --schools N [--seed S] [--periods 2023,2024] -o FILE.xlsx|FILE.csv`

func runDemoData(e *env, args []string) error {
	fs := newFlags(e, "demo-data", demoDataUsage)
	counties := fs.Int("counties", 8, "区县数")
	schools := fs.Int("schools", 400, "学校总数")
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同数据）")
	periods := fs.String("periods", "2023,2024", "年度，逗号分隔")
	out := fs.String("o", "", "输出文件：.xlsx（学校、区县两个工作表）或 .csv（另写 *.区县.csv）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("缺少 -o 输出文件")
	}
	cfg := synth.Config{Counties: *counties, Schools: *schools, Seed: *seed}
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
	fmt.Fprintf(e.stdout, "已生成 %d 个区县、%d 所学校、%d 个年度的模拟数据：%s\n", *counties, *schools, len(cfg.Periods), strings.Join(files, "、"))
	return nil
}

// writeDemoData writes a generated province to out (.xlsx: two sheets; .csv: the
// school table there and the county table beside it) and returns the files written.
func writeDemoData(cfg synth.Config, out string) ([]string, error) {
	schools, counties := synth.Generate(cfg)
	st := xlsx.Table{Sheet: "学校", Header: schools.Header, Rows: schools.Rows}
	ct := xlsx.Table{Sheet: "区县", Header: counties.Header, Rows: counties.Rows}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		return []string{out}, writeFile(out, func(w *bufio.Writer) error { return xlsx.WriteXLSX(w, []xlsx.Table{st, ct}) })
	case ".csv":
		cout := strings.TrimSuffix(out, filepath.Ext(out)) + ".区县.csv"
		if err := writeFile(out, func(w *bufio.Writer) error { return xlsx.WriteCSV(w, st) }); err != nil {
			return nil, err
		}
		return []string{out, cout}, writeFile(cout, func(w *bufio.Writer) error { return xlsx.WriteCSV(w, ct) })
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
