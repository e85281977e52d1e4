// Package schematest holds a JSON Schema (draft 2020-12) to the Go structs a YAML
// file is decoded into, and validates documents against it, for the tests of the
// formats people edit by hand: frameworks (docs/framework.schema.json) and survey
// files (docs/survey.schema.json). The module has no JSON Schema library, so Validate
// implements the keywords these schemas use and fails the test on any other: a
// schema cannot silently grow beyond what is checked.
package schematest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// Load reads a schema file and checks that it declares draft 2020-12.
func Load(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", s["$schema"])
	}
	return s
}

// MatchStructs walks typ with reflect beside the schema root: every yaml key of
// every struct is a property at the matching place and every property is a yaml
// key; objects reject unknown keys (the decoders use KnownFields); required keys are
// those without omitempty, but for notRequired ("Type.key": the loader accepts them
// missing); scalar types agree. It returns the struct types the walk reached.
func MatchStructs(t *testing.T, root map[string]any, typ reflect.Type, notRequired map[string]bool) map[reflect.Type]bool {
	t.Helper()
	w := &walk{root: root, notRequired: notRequired, seen: map[reflect.Type]bool{}, active: map[reflect.Type]bool{}}
	w.checkStruct(t, root, typ, "")
	return w.seen
}

// walk is one MatchStructs: the types reached, and those being checked (a type
// that holds itself is checked once).
type walk struct {
	root         map[string]any
	notRequired  map[string]bool
	seen, active map[reflect.Type]bool
}

// Validate checks a decoded YAML or JSON document against the schema and returns
// every error as "path: message".
func Validate(t *testing.T, root map[string]any, doc any) []string {
	t.Helper()
	return validate(t, root, root, doc, "")
}

func (w *walk) checkStruct(t *testing.T, node map[string]any, typ reflect.Type, path string) {
	root := w.root
	t.Helper()
	if w.active[typ] {
		return // a type that holds itself (a group of groups): checked once is checked
	}
	w.active[typ], w.seen[typ] = true, true
	defer delete(w.active, typ)
	node = Deref(t, root, node)
	where := typ.Name() + " (" + where(path) + ")"
	if node["type"] != "object" || node["additionalProperties"] != false {
		t.Errorf("%s: want type object with additionalProperties false", where)
	}
	props, _ := node["properties"].(map[string]any)
	tags := map[string]reflect.StructField{}
	var required []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" {
			continue
		}
		tags[name] = f
		if opts != "omitempty" && !w.notRequired[typ.Name()+"."+name] {
			required = append(required, name)
		}
		if _, ok := props[name]; !ok {
			t.Errorf("%s: yaml key %q is not in the schema", where, name)
		}
	}
	for name := range props {
		if _, ok := tags[name]; !ok {
			t.Errorf("%s: schema property %q is not a yaml key of the struct", where, name)
		}
	}
	if got := Strings(node["required"]); !SameSet(got, required) {
		t.Errorf("%s: required = %v, want %v (the keys without omitempty)", where, sorted(got), sorted(required))
	}
	for _, name := range slices.Sorted(maps.Keys(tags)) {
		prop, ok := props[name].(map[string]any)
		if !ok {
			continue
		}
		w.checkField(t, prop, tags[name].Type, path+"/"+name)
	}
}

func (w *walk) checkField(t *testing.T, prop map[string]any, ft reflect.Type, path string) {
	root := w.root
	t.Helper()
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	types := schemaTypes(t, root, prop)
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Float64: "number", reflect.Int: "integer",
		reflect.Int64: "integer", reflect.Bool: "boolean", reflect.Struct: "object", reflect.Slice: "array",
		reflect.Map: "object"}[ft.Kind()]
	if !slices.Contains(types, want) {
		t.Errorf("%s: schema type %v, want %s for Go %s", path, types, want, ft)
		return
	}
	switch ft.Kind() {
	case reflect.Struct:
		w.checkStruct(t, prop, ft, path)
	case reflect.Slice:
		items, _ := Deref(t, root, prop)["items"].(map[string]any)
		if items == nil {
			t.Errorf("%s: array without items", path)
			return
		}
		w.checkField(t, items, ft.Elem(), path+"/*")
	case reflect.Map:
		ap, _ := Deref(t, root, prop)["additionalProperties"].(map[string]any)
		if ap == nil {
			t.Errorf("%s: map without an additionalProperties schema", path)
			return
		}
		w.checkField(t, ap, ft.Elem(), path+"/*")
	}
}

// schemaTypes is the JSON types a property allows: its type, or the types of its
// enum values.
func schemaTypes(t *testing.T, root, prop map[string]any) []string {
	prop = Deref(t, root, prop)
	switch ty := prop["type"].(type) {
	case string:
		return []string{ty}
	case []any:
		return Strings(ty)
	}
	var out []string
	for _, v := range AnyList(prop["enum"]) {
		out = append(out, jsonType(v)...)
	}
	return out
}

// validate checks value v against schema node s and returns every error as
// "path: message". It implements the draft 2020-12 keywords the framework schema
// uses; any other keyword fails the test, so the schema cannot silently grow
// beyond what is checked.
func validate(t *testing.T, root, s map[string]any, v any, path string) []string {
	t.Helper()
	var errs []string
	fail := func(format string, args ...any) {
		errs = append(errs, where(path)+": "+fmt.Sprintf(format, args...))
	}
	obj, isObj := v.(map[string]any)
	arr, isArr := v.([]any)
	num, isNum := number(v)
	for _, k := range slices.Sorted(maps.Keys(s)) {
		kv := s[k]
		switch k {
		case "$schema", "$id", "$comment", "$defs", "title", "description", "then", "else":
		case "$ref":
			errs = append(errs, validate(t, root, Deref(t, root, map[string]any{"$ref": kv}), v, path)...)
		case "type":
			if !slices.ContainsFunc(anyOrList(kv), func(ty string) bool { return slices.Contains(jsonType(v), ty) }) {
				fail("%v is %v, want %v", v, jsonType(v), kv)
			}
		case "enum":
			if !slices.ContainsFunc(AnyList(kv), func(e any) bool { return equal(e, v) }) {
				fail("%v is not one of %v", v, kv)
			}
		case "const":
			if !equal(kv, v) {
				fail("%v is not %v", v, kv)
			}
		case "properties":
			props := kv.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				if ps, ok := props[name]; ok {
					errs = append(errs, validate(t, root, ps.(map[string]any), obj[name], path+"/"+name)...)
				}
			}
		case "additionalProperties":
			props, _ := s["properties"].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				if _, ok := props[name]; ok {
					continue
				}
				switch ap := kv.(type) {
				case bool:
					if !ap {
						fail("unknown key %s", name)
					}
				case map[string]any:
					errs = append(errs, validate(t, root, ap, obj[name], path+"/"+name)...)
				}
			}
		case "propertyNames":
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				for _, e := range validate(t, root, kv.(map[string]any), name, path) {
					fail("key %s: %s", name, strings.TrimPrefix(e, where(path)+": "))
				}
			}
		case "required":
			if isObj {
				for _, name := range Strings(kv) {
					if _, ok := obj[name]; !ok {
						fail("missing %s", name)
					}
				}
			}
		case "items":
			for i, x := range arr {
				errs = append(errs, validate(t, root, kv.(map[string]any), x, fmt.Sprintf("%s/%d", path, i))...)
			}
		case "minItems":
			if isArr && float64(len(arr)) < kv.(float64) {
				fail("%d items, want at least %v", len(arr), kv)
			}
		case "maxItems":
			if isArr && float64(len(arr)) > kv.(float64) {
				fail("%d items, want at most %v", len(arr), kv)
			}
		case "minLength":
			if str, ok := v.(string); ok && float64(utf8.RuneCountInString(str)) < kv.(float64) {
				fail("%q is shorter than %v", str, kv)
			}
		case "pattern":
			if str, ok := v.(string); ok && !regexp.MustCompile(kv.(string)).MatchString(str) {
				fail("%s does not match %s", str, kv)
			}
		case "minimum":
			if isNum && num < kv.(float64) {
				fail("%v < %v", v, kv)
			}
		case "maximum":
			if isNum && num > kv.(float64) {
				fail("%v > %v", v, kv)
			}
		case "exclusiveMinimum":
			if isNum && num <= kv.(float64) {
				fail("%v ≤ %v", v, kv)
			}
		case "allOf":
			for _, sub := range AnyList(kv) {
				errs = append(errs, validate(t, root, sub.(map[string]any), v, path)...)
			}
		case "oneOf":
			n := 0
			for _, sub := range AnyList(kv) {
				if len(validate(t, root, sub.(map[string]any), v, path)) == 0 {
					n++
				}
			}
			if n != 1 {
				fail("matches %d of oneOf", n)
			}
		case "not":
			if len(validate(t, root, kv.(map[string]any), v, path)) == 0 {
				fail("matches a not")
			}
		case "if":
			branch := "else"
			if len(validate(t, root, kv.(map[string]any), v, path)) == 0 {
				branch = "then"
			}
			if sub, ok := s[branch].(map[string]any); ok {
				errs = append(errs, validate(t, root, sub, v, path)...)
			}
		default:
			t.Fatalf("schema keyword %q at %s is not implemented by the test's validator", k, where(path))
		}
	}
	return errs
}

// Deref follows a local $ref ("#/$defs/name"); siblings of $ref are not merged
// (the struct check reads properties from the definition).
func Deref(t *testing.T, root, node map[string]any) map[string]any {
	t.Helper()
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		def, _ := root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok || def == nil {
			t.Fatalf("unresolved $ref %q", ref)
		}
		node = def
	}
}

// jsonType is the JSON types a decoded YAML value belongs to.
func jsonType(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{"string"}
	case bool:
		return []string{"boolean"}
	case int:
		return []string{"integer", "number"}
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return []string{"integer", "number"}
		}
		return []string{"number"}
	case map[string]any:
		return []string{"object"}
	case []any:
		return []string{"array"}
	case nil:
		return []string{"null"}
	}
	return []string{fmt.Sprintf("%T", v)}
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// equal compares a schema value (from JSON) with a YAML value; numbers by value.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}

// AnyList is v as a list, nil when it is none.
func AnyList(v any) []any { l, _ := v.([]any); return l }

func anyOrList(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return Strings(v)
}

// Strings is the strings of the list v.
func Strings(v any) []string {
	var out []string
	for _, x := range AnyList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SameSet reports whether a and b hold the same strings.
func SameSet(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

func sorted(a []string) []string {
	a = slices.Clone(a)
	sort.Strings(a)
	return a
}

func where(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
