package survey

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// builtinFS holds the built-in survey files, one per framework, named after it.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinIDs lists the built-in survey files' ids, sorted.
func BuiltinIDs() []string {
	names, _ := fs.Glob(builtinFS, "builtin/*.yaml")
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = strings.TrimSuffix(strings.TrimPrefix(n, "builtin/"), ".yaml")
	}
	sort.Strings(ids)
	return ids
}

// BuiltinSource returns the YAML of a built-in survey file.
func BuiltinSource(id string) ([]byte, error) {
	data, err := builtinFS.ReadFile("builtin/" + id + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("没有内置问卷「%s」（可用: %s）", id, strings.Join(BuiltinIDs(), "、"))
	}
	return data, nil
}

// Builtin parses the built-in survey file id.
func Builtin(id string) (*File, error) {
	data, err := BuiltinSource(id)
	if err != nil {
		return nil, err
	}
	return Parse(id+".yaml", data)
}

// Builtins parses every built-in survey file.
func Builtins() ([]*File, error) {
	var out []*File
	for _, id := range BuiltinIDs() {
		f, err := Builtin(id)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// FindQuestionnaire resolves a full questionnaire id (yzjh-2017-social) among files.
func FindQuestionnaire(files []*File, id string) (*File, *Questionnaire, error) {
	var ids []string
	for _, f := range files {
		for i := range f.Questionnaires {
			q := &f.Questionnaires[i]
			if f.QuestionnaireID(q) == id {
				return f, q, nil
			}
			ids = append(ids, f.QuestionnaireID(q))
		}
	}
	return nil, nil, fmt.Errorf("没有问卷「%s」（可用: %s）", id, strings.Join(ids, "、"))
}
