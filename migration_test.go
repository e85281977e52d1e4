package ziping_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"ziping"
)

func TestReadMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("B")},
		"m/0001_init.sql":  {Data: []byte("A")},
		"m/0010_later.sql": {Data: []byte("C")},
		"m/readme.txt":     {Data: []byte("ignored")},
	}
	ms := ziping.ReadMigrations(fsys, "m")
	if got := ziping.MigrationVersions(ms); !slices.Equal(got, []int{1, 2, 10}) || ms[0].SQL != "A" || ms[2].Name != "0010_later.sql" {
		t.Errorf("versions %v, first %+v", got, ms[0])
	}
	defer func() {
		if recover() == nil {
			t.Error("a badly named migration file did not panic")
		}
	}()
	ziping.ReadMigrations(fstest.MapFS{"m/init.sql": {}}, "m")
}

func TestParseSchoolSort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		key  string
		desc bool
		ok   bool
	}{{"", "code", false, true}, {"-students", "students", true, true}, {"name", "name", false, true}, {"-", "code", true, true},
		{"vals; DROP TABLE schools", "", false, false}, {"--name", "", false, false}} {
		key, desc, err := ziping.ParseSchoolSort(tc.in)
		if (err == nil) != tc.ok || key != tc.key || desc != tc.desc {
			t.Errorf("%q: %q %v %v", tc.in, key, desc, err)
		}
		if err != nil && ziping.ErrorKind(err) != ziping.Invalid {
			t.Errorf("%q: error kind %v", tc.in, ziping.ErrorKind(err))
		}
	}
}
