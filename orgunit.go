package ziping

// Addressee is how official documents name the unit as the body that answers for
// it: a county's or city's 人民政府 (秋湖县人民政府), a school or kindergarten by its
// own name (秋湖县实验小学). A report is signed with it, a notice addressed to it.
func (u *OrgUnit) Addressee() string {
	if u.Level == LevelSchool {
		return u.Name
	}
	return u.Name + "人民政府"
}
