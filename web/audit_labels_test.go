package web

import (
	"strconv"
	"strings"
	"testing"
)

// TestAuditObjectsInWords: every kind of object the services write is named in
// words, an unknown one as 记录, never as its raw form.
func TestAuditObjectsInWords(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(f.actor("admin"), "990102", rkFW, 2024)
	cache := map[string]string{}
	for obj, want := range map[string]string{
		"assessment:" + itoa64(id) + "/point:3":  "黄海区2024年度对县级人民政府履行教育职责评价自评 · 测评点3",
		"assessment:" + itoa64(id) + "/point:V2": "否决项2",
		"notice:990100/" + rkFW + "/2024":        "兰田市2024年度对县级人民政府履行教育职责评价结果通报",
		"user:county2":                           "用户 county2",
		"unit:990121":                            "雁化县",
		"school:9901020004/小学":                   "黄海区第一小学（小学）",
		"framework:yzjh-2017@2017.1":             "县域义务教育优质均衡发展督导评估（2017.1版）",
		"batch:3":                                "第3批导入",
		"something:else":                         "记录",
	} {
		got := f.srv.auditObject(f.ctx, cache, obj)
		if !strings.Contains(got, want) {
			t.Errorf("%s reads %q, want it to contain %q", obj, got, want)
		}
		if strings.Contains(got, ":") {
			t.Errorf("%s reads %q: the raw form", obj, got)
		}
	}
	for size, want := range map[int64]string{29: "29 字节", 2048: "2 KB", 1536: "1.5 KB", 3 << 20: "3 MB"} {
		if got := fileSize(size); got != want {
			t.Errorf("fileSize(%d) = %q, want %q", size, got, want)
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
