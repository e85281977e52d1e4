package main

import (
	"fmt"
	"io"
	"os"

	"ziping/survey"
	"ziping/xlsx"
)

// readLimitedFile reads a file of at most limit bytes.
func readLimitedFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法读取 %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("无法读取 %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s 过大（超过%d字节）", path, limit)
	}
	return data, nil
}

// maxExport bounds an export of answers: a few thousand rows are a few MB.
const maxExport = 50 << 20

// readExport reads a 问卷星 or 腾讯问卷 export (.xlsx or .csv) as text.
func readExport(path string) (*survey.Sheet, error) {
	data, err := readLimitedFile(path, maxExport)
	if err != nil {
		return nil, err
	}
	return exportSheet(path, data)
}

// exportSheet reads an export's bytes as text: the web upload's reader too.
func exportSheet(name string, data []byte) (*survey.Sheet, error) {
	t, err := xlsx.ReadText(name, data, xlsx.TextLimits{})
	if err != nil {
		return nil, err
	}
	return &survey.Sheet{File: t.File, Sheet: t.Sheet, Header: t.Header, Rows: t.Rows, FirstRow: t.FirstRow}, nil
}
