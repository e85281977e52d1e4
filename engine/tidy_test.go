package engine

import "testing"

// FuzzTidyReason: whatever untidy passes over, the regular expressions leave
// unchanged, so the fast path of TidyReason returns what they would.
func FuzzTidyReason(f *testing.F) {
	for _, s := range []string{
		"第20测评点记录不完整。，扣1分", "存在危房（已上报。）", "第3测评点扣0.5分，扣0.5分", "第3测评点，；扣1分",
		"比例为1.5%，低于标准值2.0%，扣0.5分", "（，甲", "(.)", "a..b", "？!", "扣1分扣1分", "", "\xff。，",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := tidy(s); !untidy(s) && got != s {
			t.Fatalf("untidy(%q) = false, but tidy gives %q", s, got)
		}
	})
}

// TestUntidy: the reasons scoring writes pass untouched; each thing tidy changes is
// seen.
func TestUntidy(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"第15测评点因2所学校超规模办学（鹿台区实验小学2350人、…），扣1分": false,
		"比例为1.5%，低于标准值2.0%，扣0.5分":              false,
		"记录不完整。，扣1分":                           true,
		"存在危房（已上报。）":                           true,
		"（，甲":                                  true,
		"扣0.5分，扣0.5分":                          true,
	} {
		if got := untidy(s); got != want {
			t.Errorf("untidy(%q) = %v, want %v", s, got, want)
		}
	}
}
