package schematest_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"ziping/schematest"
	"ziping/survey"
)

// docs/survey.schema.json is the survey file format for editors. These tests keep it
// in step with package survey's loader: its objects are exactly the YAML keys of
// survey.File's structs, its enums are the loader's, the built-in files validate,
// and what it refuses the loader refuses too.

const surveySchema = "../docs/survey.schema.json"

func TestSurveySchemaMatchesStructs(t *testing.T) {
	seen := schematest.MatchStructs(t, schematest.Load(t, surveySchema), reflect.TypeFor[survey.File](), nil)
	for _, typ := range []reflect.Type{reflect.TypeFor[survey.Question](), reflect.TypeFor[survey.Band](), reflect.TypeFor[survey.Computation]()} {
		if !seen[typ] {
			t.Errorf("the walk never reached %s", typ.Name())
		}
	}
}

func TestSurveySchemaEnums(t *testing.T) {
	root := schematest.Load(t, surveySchema)
	defs := root["$defs"].(map[string]any)
	enum := func(node map[string]any, key string) []string {
		prop := node["properties"].(map[string]any)[key].(map[string]any)
		return schematest.Strings(schematest.Deref(t, root, prop)["enum"])
	}
	def := func(name string) map[string]any { return defs[name].(map[string]any) }
	for _, tc := range []struct {
		what      string
		got, want []string
	}{
		{"computation methods", enum(def("computation"), "method"), survey.Methods},
		{"question kinds", enum(def("question"), "kind"), []string{survey.KindScale, survey.KindChoice, survey.KindMulti, survey.KindText}},
		{"where groups are sampled", enum(def("group"), "schools"), []string{survey.AtSchools, survey.AtKindergartens}},
		{"elements", enum(root, "element"), slices.Collect(maps.Keys(survey.Elements))},
	} {
		if !schematest.SameSet(tc.got, tc.want) {
			t.Errorf("%s: schema %v, loader %v", tc.what, tc.got, tc.want)
		}
	}
}

func TestSurveySchemaValidatesBuiltins(t *testing.T) {
	root := schematest.Load(t, surveySchema)
	ids := survey.BuiltinIDs()
	if len(ids) < 3 {
		t.Fatalf("built-in survey files: %v, want yzjh-2017, xqpjph-2020 and lxzz-county", ids)
	}
	for _, id := range ids {
		for _, e := range schematest.Validate(t, root, builtinDoc(t, id)) {
			t.Errorf("%s: %s", id, e)
		}
	}
}

func builtinDoc(t *testing.T, id string) map[string]any {
	t.Helper()
	src, err := survey.BuiltinSource(id)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return doc
}

func index(v any, i int) map[string]any { return v.([]any)[i].(map[string]any) }

func question(d map[string]any, q, i int) map[string]any {
	return index(index(d["questionnaires"], q)["questions"], i)
}

// TestSurveySchemaRejects breaks a valid built-in file in one place: the schema
// names the place, and the loader refuses the file too.
func TestSurveySchemaRejects(t *testing.T) {
	root := schematest.Load(t, surveySchema)
	for _, tc := range []struct {
		name   string
		change func(d map[string]any)
		want   string
	}{
		{"unknown key", func(d map[string]any) { d["titel"] = "x" }, "/: unknown key titel"},
		{"four labels", func(d map[string]any) {
			sc := d["scale"].(map[string]any)
			sc["labels"] = sc["labels"].([]any)[:4]
		}, "/scale/labels: 4 items, want at least 5"},
		{"bad method", func(d map[string]any) { d["computation"].(map[string]any)["method"] = "mean" }, "/computation/method: mean is not one of"},
		{"value_map without values", func(d map[string]any) {
			c := d["computation"].(map[string]any)
			c["method"] = survey.MethodValue
			delete(c, "values")
		}, "/computation: missing values"},
		{"plan with both rules", func(d map[string]any) {
			d["plan"].(map[string]any)["bands"] = []any{map[string]any{"size": 200}}
		}, "/plan: matches 2 of oneOf"},
		{"bad element", func(d map[string]any) { d["element"] = "satisfied" }, "/element: satisfied is not one of"},
		{"bad group id", func(d map[string]any) { index(d["groups"], 0)["id"] = "Parent" }, "/groups/0/id: Parent does not match"},
		{"bad kind", func(d map[string]any) { question(d, 0, 0)["kind"] = "likert" }, "/questionnaires/0/questions/0/kind: likert is not one of"},
		{"choice without options", func(d map[string]any) {
			q := question(d, 0, 0)
			q["kind"] = survey.KindChoice
		}, "/questionnaires/0/questions/0: missing options"},
		{"options on a scale question", func(d map[string]any) {
			question(d, 0, 0)["options"] = []any{"是", "否"}
		}, "/questionnaires/0/questions/0: matches a not"},
		{"a text question counted", func(d map[string]any) {
			q := question(d, 0, 0)
			q["kind"], q["counts"] = survey.KindText, true
		}, "/questionnaires/0/questions/0/kind: text is not scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := builtinDoc(t, "yzjh-2017")
			tc.change(d)
			errs := schematest.Validate(t, root, d)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, tc.want) }) {
				t.Errorf("schema: want an error starting %q, got %q", tc.want, errs)
			}
			src, err := yaml.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := survey.Parse("改.yaml", src); err == nil {
				t.Errorf("the loader accepts a file the schema refuses (%s)", tc.name)
			}
		})
	}
}
