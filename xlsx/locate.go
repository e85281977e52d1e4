package xlsx

import "ziping"

// Locator finds where a school code was read, so that an error the domain finds
// after reading (a school that belongs to another unit) can name its file, sheet,
// row and column like any bad cell. Pass one in ReadOptions.Locator; ReadFrom fills
// it. It keeps the codes of every school table read, not their numbers.
type Locator struct {
	tables []*table
}

// Locate returns the cell of the first row with school code code.
func (l *Locator) Locate(code string) (ziping.CellError, bool) {
	if l == nil {
		return ziping.CellError{}, false
	}
	for _, t := range l.tables {
		if t.kind != kindSchools {
			continue
		}
		col := t.lay.text[tfSchoolCode]
		for _, p := range t.schools {
			for i, sp := range p.txt {
				if p.str[sp.lo:sp.mid] == code {
					c := t.badCell(int(p.srcRow[i]), col, "", code, "").cell
					return c, true
				}
			}
		}
	}
	return ziping.CellError{}, false
}
