package catalog

import (
	"context"
	"fmt"
	"strconv"

	"ziping"
	"ziping/assess"
)

// Framework is one framework of the catalog with its versions: which applies to
// which periods, and which assessments use each.
type Framework struct {
	ID, Name string
	Versions []Version                // the one saved last first
	Choices  []ziping.FrameworkPeriod // by period
	Year     int                      // the current period
	Current  string                   // the version that applies to Year; "" when none
}

// Version is a stored version of a framework, with its use.
type Version struct {
	ziping.StoredFramework
	Assessments int                   // the assessments that use it
	Uses        []ziping.FrameworkUse // of this version, by period
	Applies     string                // the periods it is chosen for, in words; "" none
	Current     bool                  // it applies to the current period
}

// Used reports whether an assessment uses the version.
func (v *Version) Used() bool { return v.Assessments > 0 }

// List is every framework of the catalog, by id.
func (s *Service) List(ctx context.Context, a *ziping.Actor) ([]Framework, error) {
	if err := admin(a); err != nil {
		return nil, err
	}
	latest, err := s.Store.Frameworks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Framework, 0, len(latest))
	for _, sf := range latest {
		f, err := s.framework(ctx, s.Store, sf.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, nil
}

// Framework is framework id with every version.
func (s *Service) Framework(ctx context.Context, a *ziping.Actor, id string) (*Framework, error) {
	if err := admin(a); err != nil {
		return nil, err
	}
	return s.framework(ctx, s.Store, id)
}

func (s *Service) framework(ctx context.Context, st Store, id string) (*Framework, error) {
	versions, err := st.FrameworkVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, ziping.Errorf(ziping.NotFound, "没有评价体系「%s」", id)
	}
	choices, err := st.FrameworkPeriods(ctx, id)
	if err != nil {
		return nil, err
	}
	uses, err := st.FrameworkUsage(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &Framework{ID: id, Name: versions[0].Name, Choices: choices, Year: s.Year()}
	f.Current, _ = assess.ApplyingVersion(choices, versions, f.Year)
	fallback, _ := assess.ApplyingVersion(nil, versions, 0)
	for _, sv := range versions {
		v := Version{StoredFramework: sv, Applies: appliesText(choices, sv.Version, sv.Version == fallback), Current: sv.Version == f.Current}
		for _, u := range uses {
			if u.Version == sv.Version {
				v.Uses = append(v.Uses, u)
				v.Assessments += u.Count
			}
		}
		f.Versions = append(f.Versions, v)
	}
	return f, nil
}

// appliesText words the periods version applies to: 「2021—2023年度」, 「2025年度起」,
// several spans joined with 「、」; the built-in version that applies where nothing
// is chosen (fallback) also to 「2021年度以前」, or to 「未另选版本的各年度」.
func appliesText(choices []ziping.FrameworkPeriod, version string, fallback bool) string {
	text := ""
	switch {
	case fallback && len(choices) == 0:
		return "未另选版本的各年度"
	case fallback:
		text = strconv.Itoa(choices[0].Period) + "年度以前"
	}
	for i, c := range choices {
		if c.Version != version {
			continue
		}
		span := strconv.Itoa(c.Period) + "年度起"
		if i+1 < len(choices) {
			end := choices[i+1].Period - 1
			span = strconv.Itoa(c.Period) + "年度"
			if end > c.Period {
				span = fmt.Sprintf("%d—%d年度", c.Period, end)
			}
		}
		if text != "" {
			text += "、"
		}
		text += span
	}
	return text
}
