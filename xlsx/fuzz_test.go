package xlsx

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ziping"
)

// FuzzReadCSV feeds arbitrary bytes as a CSV file: Read must not panic, and must
// return either a Dataset or an error, never both and never neither.
func FuzzReadCSV(f *testing.F) {
	seeds := []string{
		hdr + "\n" + good + "\n",
		hdr + ",小学在校生数,初中在校生数\n3301000001,甲学校,330102,九年一贯制,公办,2024,1000,24,60,600,400\n",
		"标题\n\n" + hdr + "\n\"33\"\"01\",\"a\nb\",330102,小学,公办,2024,\"1,234\",１４,4\n",
		"区县代码,区县名称,年度,社会认可度,教学仪器设备值(万元)\n330102,西湖区,2024,85%,\n330102,西湖区,2024,-1,x\n",
		hdr + ",25人及以下,26-30人,31-35人,36-40人,41-45人,56-60人\n" + good + ",1,2,3,4,4\n",
		"\xEF\xBB\xBF" + hdr + "\r\n" + good + "\r\n",
		"\"unterminated\n" + hdr,
		hdr + "\n" + strings.Replace(good, "2024", "2023", 1) + "\n" + good + "\n,,,,,,,,\n" + strings.Replace(good, "2024", "2025年", 1) + "\n",
		"学校代码,学校名称,区县代码,学段,办学类型,年度,在园幼儿数,班级数,普惠性幼儿园,超标准班额班级数,图书藏书量\n" +
			"3301020001,乙幼儿园,330102,幼儿园,民办,2024,180,6,是,1,x\n3301020002,丙,330102,学前,公办,2024,90,3,否,0,\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(hdr + "\n" + good)); err == nil {
		f.Add(gbk)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, warns, err := ReadFromWithWarnings([]Input{{Name: "fuzz.csv", R: bytes.NewReader(data), Size: int64(len(data))}}, ReadOptions{})
		if (ds == nil) == (err == nil) {
			t.Fatalf("got dataset %v and error %v: want exactly one", ds != nil, err)
		}
		for _, w := range warns {
			if w.Msg == "" || w.File != "fuzz.csv" {
				t.Fatalf("warning %+v", w)
			}
		}
		var ie *ziping.ImportError
		if errors.As(err, &ie) && len(ie.Cells) == 0 {
			t.Fatalf("import error without cells")
		}
		if ds == nil {
			return
		}
		// Reading only the latest year's schools builds that year as a full read
		// does, whatever the file.
		latest, _, err := ReadFromWithWarnings([]Input{{Name: "fuzz.csv", R: bytes.NewReader(data), Size: int64(len(data))}}, ReadOptions{SchoolPeriods: latestOnly})
		if err != nil {
			t.Fatalf("a full read succeeded, the latest year's failed: %v", err)
		}
		if p := ds.Latest(); !reflect.DeepEqual(latest.Periods[p], ds.Periods[p]) {
			t.Fatalf("the latest year differs when read alone")
		}
		for _, snap := range ds.Periods {
			s := &snap.Schools
			if len(s.Ranges) != len(ds.Units) {
				t.Fatalf("%d ranges for %d units", len(s.Ranges), len(ds.Units))
			}
			for i := range s.Len() {
				if int(s.Unit[i]) >= len(ds.Units) || s.Stage[i] == 0 {
					t.Fatalf("row %d: unit %d, stage %d", i, s.Unit[i], s.Stage[i])
				}
			}
		}
	})
}

// FuzzPlainRecord: plainRecord, eight bytes at a time, splits text without quotes
// into the same records and fields as the byte loop of nextRecord.
func FuzzPlainRecord(f *testing.F) {
	for _, s := range []string{good, hdr + "\n" + good + "\r\n" + good, ",,,\n\n,", "学校,甲\n乙,,丙\r\n", "12345678,9\n", "", "\n", "a\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ReplaceAll(s, `"`, "") // with quotes nextRecord does not use it
		var a, b []string
		for pa, pb := 0, 0; pa < len(s) || pb < len(s); {
			if pa != pb {
				t.Fatalf("%q: records end at %d and %d", s, pa, pb)
			}
			a, pa = plainRecord(s, pa, a[:0])
			b, pb = nextRecord(s, pb, b[:0], true)
			if !slices.Equal(a, b) {
				t.Fatalf("%q at %d: %q, want %q", s, pb, a, b)
			}
		}
	})
}
