package catalog_test

import (
	"bytes"
	"testing"

	"ziping/catalog"
	"ziping/frameworks"
)

// FuzzCheck: whatever file an administrator uploads, Check answers without
// panicking, either a program whose id and version the catalog accepts or problems,
// each of the file and at a line the file has (0 for the whole file).
func FuzzCheck(f *testing.F) {
	for _, id := range frameworks.IDs() {
		b, err := frameworks.FS.ReadFile(id + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: a b\nname: x\nversion: \"1 2\"\nlevel: county\n"))
	f.Add([]byte("id: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		prog, problems := catalog.Check("f.yaml", data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, p := range problems {
			if p.File != "f.yaml" || p.Line < 0 || p.Line > lines+1 || p.Msg == "" {
				t.Fatalf("problem %+v of a file of %d lines", p, lines)
			}
		}
		if (prog == nil) == (len(problems) == 0) {
			t.Fatalf("program %v with %d problems", prog != nil, len(problems))
		}
	})
}
