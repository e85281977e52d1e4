package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"ziping"
	"ziping/dataset"
	"ziping/frameworks"
	"ziping/web"
	"ziping/xlsx"
)

const importUsage = "import FILE... [--period YYYY] [--framework ID|FILE] [--max-rows N] [--db URL]"

// runImport reads spreadsheets with the engine's importer (all or nothing) and
// writes them to the store, seen all together or not at all, with their audit
// entries. --period imports that year only: rows of other years are reported and
// left out.
func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", importUsage)
	period := fs.Int("period", 0, "年度：文件没有年度列时必填；给出时只导入该年度，其他年度的行报告后忽略")
	fw := fs.String("framework", "yzjh-2017", "拆分一贯制学校时采用其权重的评价体系")
	maxRows := fs.Int("max-rows", 0, "每次导入的学校数据行数上限（0：不限）")
	db := fs.String("db", "", "数据库")
	auditFlags(e, fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("缺少要导入的文件")
	}
	prog, err := frameworks.Resolve(*fw)
	if err != nil {
		return err
	}
	// The collector runs four times as often as by default: the rows read are the
	// import's live heap, which the default target would let double (issue 12.4).
	defer debug.SetGCPercent(debug.SetGCPercent(web.ImportGCPercent))
	opt := xlsx.ReadOptions{Period: *period, Locator: &xlsx.Locator{}}
	ds, err := readDataWith(e.stderr, files, opt, prog)
	if err != nil {
		return err
	}
	if *period != 0 {
		if note := dataset.IgnoredPeriods(*period, dataset.KeepPeriod(ds, *period)); note != "" {
			fmt.Fprintln(e.stderr, "ziping import: "+note)
		}
		if len(ds.Periods) == 0 {
			return fmt.Errorf("文件中没有%d年度的数据，未导入任何数据", *period)
		}
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	svc.Data.Limits.MaxRows = *maxRows
	sum, err := filesSHA256(files)
	if err != nil {
		return err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	batches, err := svc.Data.ImportDataset(e.ctx, ziping.System, ds, dataset.ImportSource{File: strings.Join(names, "、"), SHA256: sum,
		Locate: opt.Locator.Locate})
	if err != nil {
		return err
	}
	for _, b := range batches {
		fmt.Fprintf(e.stdout, "已导入 %d 年度：%d 行学校数据、%d 个区县的区县数据（批次 %d）\n", b.Period, b.Schools, b.Facts, b.ID)
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, which it returns.
func parseInterleaved(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func filesSHA256(paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
