// Package frameworks embeds the built-in indicator framework files and resolves a
// framework by id or by path.
package frameworks

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"ziping"
	"ziping/engine"
)

// FS holds the built-in frameworks, one YAML file each, named after the framework id.
//
//go:embed *.yaml
var FS embed.FS

// IDs lists the built-in framework ids, sorted.
func IDs() []string {
	files, _ := fs.Glob(FS, "*.yaml")
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = strings.TrimSuffix(f, ".yaml")
	}
	sort.Strings(ids)
	return ids
}

// Builtin compiles the built-in framework with the given id.
func Builtin(id string) (*engine.Program, error) {
	data, err := FS.ReadFile(id + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("没有内置评价体系「%s」（可用: %s）", id, strings.Join(IDs(), "、"))
	}
	return engine.Load(id+".yaml", data)
}

// Resolve loads a framework from a file when ref names one (a path ending in .yaml or
// .yml, or an existing file), otherwise the built-in framework with that id.
func Resolve(ref string) (*engine.Program, error) {
	if strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") || strings.ContainsRune(ref, os.PathSeparator) {
		data, err := readLimited(ref)
		if err != nil {
			return nil, err
		}
		return engine.Load(ref, data)
	}
	return Builtin(ref)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("找不到评价体系文件 %s", path)
		}
		return nil, fmt.Errorf("无法读取评价体系文件 %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.Size() > engine.MaxFrameworkSize {
		return nil, fmt.Errorf("评价体系文件 %s 过大（超过%d字节）", path, engine.MaxFrameworkSize)
	}
	return os.ReadFile(path)
}

// Stored returns the built-in frameworks as the store keeps them, for
// assess.Service.SeedFrameworks.
func Stored() []ziping.StoredFramework {
	var out []ziping.StoredFramework
	for _, id := range IDs() {
		p, err := Builtin(id)
		if err != nil {
			continue // TestBuiltinFrameworksCompile keeps this from happening
		}
		src, _ := FS.ReadFile(id + ".yaml")
		out = append(out, ziping.StoredFramework{ID: id, Version: p.FW.Version, Name: p.FW.Name, Source: src, Builtin: true})
	}
	return out
}
