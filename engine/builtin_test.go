package engine_test

import (
	"io/fs"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
)

// TestBuiltinFrameworksCompile loads every embedded framework: a broken built-in
// framework must never ship.
func TestBuiltinFrameworksCompile(t *testing.T) {
	files, err := fs.Glob(frameworks.FS, "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in frameworks: %v", err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(frameworks.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := engine.Load(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if p.FW.ID+".yaml" != f {
			t.Errorf("%s: id %q does not match the file name", f, p.FW.ID)
		}
	}
}
