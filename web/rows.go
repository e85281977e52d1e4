package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// The repeated parts of the busiest pages are written here rather than by
// html/template: the score and evidence forms of the assessment page (one or two
// for each of its 27 points, a quarter of its time), and the rows of the county
// page's indicator and school tables (a third of its time). Every value goes through
// esc, which escapes for text and for double-quoted attributes alike; links go
// through href, which takes only the server's own paths.

// esc escapes s for HTML text and double-quoted attribute values, and replaces NUL
// as html/template does.
func esc(s string) string {
	return html.EscapeString(strings.ReplaceAll(s, "\x00", "\uFFFD"))
}

// href is a link of the server's own, escaped for an attribute; anything that is
// not a path of this site becomes "#".
func href(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return "#"
	}
	return esc(u)
}

// formBuilder writes HTML with escaped values.
type formBuilder struct{ strings.Builder }

// raw writes markup of the program's own.
func (b *formBuilder) raw(parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// html is the markup written; every value in it went through esc.
func (b *formBuilder) html() template.HTML { return template.HTML(b.String()) }

// HTML is the form of one point's score (self or review).
func (f *scoreForm) HTML() template.HTML {
	var b formBuilder
	review := f.Side == "review"
	b.raw(`<form method="post" action="`, esc(f.Action), `" class="score-form" id="form-`, esc(f.ID), `">`, "\n")
	b.raw(`  <input type="hidden" name="csrf" value="`, esc(f.CSRF), `">`, "\n")
	b.raw(`  <input type="hidden" name="side" value="`, esc(f.Side), `">`, "\n")
	b.raw(`  <input type="hidden" name="version" value="`, strconv.FormatInt(f.Version, 10), `">`)
	if f.Error != "" {
		b.raw(`<p class="alert point-error" role="alert">`, esc(f.Error), `</p>`)
	}
	if f.Current != "" {
		b.raw(`<p class="current">`, esc(f.Current), `</p>`)
	}
	switch f.Kind {
	case "checklist":
		b.raw("\n", `  <input type="hidden" name="checklist" value="1">`, "\n", `  <fieldset class="items"><legend>勾选已达到的要求</legend>`)
		for _, it := range f.Items {
			b.raw(`<label class="check"><input type="checkbox" name="checked" value="`, esc(it.ID), `"`)
			if it.Checked {
				b.raw(` checked`)
			}
			b.raw(`> `, esc(it.Text), `</label>`)
		}
		b.raw("\n  </fieldset>")
	case "veto":
		legend := "是否存在该情形"
		if review {
			legend = "复核认定"
		}
		b.raw("\n", `  <fieldset class="items"><legend>`, legend, `</legend>`, "\n")
		for _, o := range [2][2]string{{"no", "否"}, {"yes", "是"}} {
			b.raw(`    <label class="check"><input type="radio" name="triggered" value="`, o[0], `" id="`, esc(f.ID), `-`, o[0], `"`)
			if f.Triggered == o[0] {
				b.raw(` checked`)
			}
			b.raw(`> `, o[1], "</label>\n")
		}
		b.raw(`  </fieldset>`)
	case "verdict":
		b.raw("\n", `  <fieldset class="items"><legend>复核认定</legend>`, "\n")
		for _, o := range [2][3]string{{"pass", f.Max, "达标"}, {"fail", f.Fail, "未达标"}} {
			b.raw(`    <label class="check"><input type="radio" name="score" value="`, esc(o[1]), `" id="`, esc(f.ID), `-`, o[0], `"`)
			if f.Score != "" && (f.Score == f.Max) == (o[0] == "pass") {
				b.raw(` checked`)
			}
			b.raw(`> `, o[2], "</label>\n")
		}
		b.raw(`  </fieldset>`)
	default:
		label := "自评得分"
		if review {
			label = "复核得分"
		}
		b.raw("\n", `  <label class="field score-field"><span>`, label, `（0–`, esc(f.Max), `分）</span>`, "\n")
		b.raw(`    <input type="text" name="score" value="`, esc(f.Score), `" inputmode="decimal" maxlength="10" id="`, esc(f.ID), `-score"`)
		if f.Error != "" {
			b.raw(` aria-invalid="true"`)
		}
		b.raw(`></label>`)
	}
	label, class, button := "评分说明", "primary", "保存自评"
	if review {
		label, class, button = "复核理由", "review-save", "保存复核"
	}
	if f.ToConfirm {
		button = "确认"
	}
	b.raw("\n", `  <label class="field"><span>`, label, `</span>`, "\n")
	b.raw(`    <textarea name="justification" rows="2" maxlength="2000" id="`, esc(f.ID), `-just">`, esc(f.Justification), `</textarea></label>`, "\n")
	b.raw(`  <div class="actions">`, "\n")
	b.raw(`    <button type="submit" class="`, class, `" id="`, esc(f.ID), `-save">`, button, `</button>`)
	if f.Clearable {
		b.raw(`<button type="submit" name="clear" value="1" id="`, esc(f.ID), `-clear">清除</button>`)
	}
	b.raw("\n  </div>\n</form>")
	return b.html()
}

// HTML is the upload form of a point's evidence, folded until opened.
func (f *evidenceForm) HTML() template.HTML {
	var b formBuilder
	id := esc(f.ID)
	b.raw(`<details class="evidence-upload"`)
	if f.Error != "" {
		b.raw(` open`)
	}
	b.raw(">\n", `  <summary id="`, id, `-open">上传证明材料</summary>`, "\n")
	b.raw(`  <form method="post" action="`, esc(f.Action), `" enctype="multipart/form-data" class="upload" id="`, id, `">`, "\n")
	b.raw(`    <input type="hidden" name="csrf" value="`, esc(f.CSRF), `">`, "\n")
	b.raw(`    <input type="hidden" name="point" value="`, esc(f.Point), `">`)
	if f.Error != "" {
		b.raw(`<p class="alert point-error" role="alert">`, esc(f.Error), `</p>`)
	}
	b.raw("\n", `    <label>文件<input type="file" name="file" accept="`, esc(f.Accept), `" id="`, id, `-file"></label>`, "\n")
	b.raw(`    <label>标题<input type="text" name="title" value="`, esc(f.Title), `" maxlength="200" id="`, id, `-title"></label>`, "\n")
	b.raw(`    <label>文号<input type="text" name="doc_number" value="`, esc(f.DocNumber), `" maxlength="60" placeholder="如 南政办发〔2018〕97号" id="`, id, `-doc"></label>`, "\n")
	b.raw(`    <label>年度<input type="text" name="year" value="`, esc(f.Period), `" inputmode="numeric" maxlength="4" size="6" id="`, id, `-year"></label>`, "\n")
	b.raw(`    <button type="submit" id="`, id, `-submit">上传</button>`, "\n  </form>\n</details>")
	return b.html()
}

// HTML is the row of one indicator of the county page.
func (m metricRow) HTML() template.HTML {
	var b formBuilder
	b.raw(`<tr class="`, esc(m.State), `">`, "\n")
	b.raw(`        <td><a href="`, href(m.ExplainURL), `">`, esc(m.Name), `</a></td>`, "\n")
	b.raw(`        <td class="num value">`, esc(m.Value), `</td>`, "\n        <td>")
	for _, st := range m.Standards {
		b.raw(`<span class="std"><b>`, esc(st.Point), `</b> `, esc(st.Text), `</span>`)
	}
	if len(m.Standards) == 0 {
		b.raw(`<span class="muted">—</span>`)
	}
	badge := map[string]string{"fail": `<span class="badge bad">未达标</span>`, "ok": `<span class="badge good">达标</span>`,
		"na": `<span class="badge warn">无法计算</span>`}[m.State]
	if badge == "" {
		badge = `<span class="badge">参考</span>`
	}
	b.raw("</td>\n", `        <td class="state">`, badge, "</td>\n      </tr>")
	return b.html()
}

// HTML is the row of one school of the county page's table.
func (r schoolRow) HTML() template.HTML {
	var b formBuilder
	b.raw(`<tr><td class="code">`, esc(r.Code), `</td><td>`)
	if r.URL != "" {
		b.raw(`<a href="`, href(r.URL), `">`, esc(r.Name), `</a>`)
	} else {
		b.raw(esc(r.Name))
	}
	b.raw(`</td><td>`, esc(r.Stage), `</td><td>`, esc(r.Type), `</td><td>`, esc(r.Public), "</td>\n")
	b.raw(`        <td class="num">`, esc(r.Students), `</td><td class="num">`, esc(r.Classes), `</td><td class="num">`, esc(r.Teachers), `</td></tr>`)
	return b.html()
}
