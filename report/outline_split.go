package report

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Article is one report found in a file; template-site pages often hold several.
type Article struct {
	Title        string
	Body         string          // the article's lines after its title, page furniture removed
	Root         *OutlineSection // ParseOutline(Body), with Line numbers of the whole text
	Placeholders []Finding       // Lint(Body), with Line numbers of the whole text
	StartLine    int             // 1-based line of the title (or of the first body line)
}

// Article markers: a line that starts a new article of a multi-article page.
// The title is what follows the articleMarker, or the next line when nothing does.
var reMarkers = []*regexp.Regexp{
	// 第一篇 XX县……自评报告, 第2篇：…
	regexp.MustCompile(`^第[` + cnDigits + `0-9０-９]{1,3}篇[\s　:：、.．]*`),
	// 范文一：, 篇一：, 例文2、, 精选范文3
	regexp.MustCompile(`^(精选)?(范文|篇|例文|文章|样文)[` + cnDigits + `0-9０-９]{1,3}[\s　:：、.．]*`),
	// 【范文1】, 【篇二】, 【第三篇】, 【1】
	regexp.MustCompile(`^[【\[]\s*(第)?(范文|篇|例文)?[` + cnDigits + `0-9０-９]{1,3}(篇)?\s*[】\]][\s　:：、.．]*`),
}

// reNumberedTitle is a numbered article title on a page that lists reports as
// 「1、XX县……自评报告」「2、……」. It counts only when it numbers from 1 and
// occurs at least twice.
var reNumberedTitle = regexp.MustCompile(`^([0-9０-９]{1,2})[.．、]\s*(\S.*(自评报告|报告|总结|汇报|汇报材料))$`)

// Page furniture: lines a template site puts around the articles. A line that
// matches and is short (at most maxFurnitureRunes characters) is dropped
// wherever it is.
var reFurniture = compileAll([]string{
	`本文由.{0,30}(整理|提供|发布|编辑|收集)`, `更多(相关)?(文章|内容|范文|阅读|推荐|资料)`,
	`相关(文章|推荐|阅读|范文|内容|专题)`, `点击(下载|查看|进入|阅读|这里|收藏)`, `下载(本文|全文|文档|word|WORD|Word)`,
	`免责声明`, `^(上|下)一(篇|页|章)`, `^(分享|转发)(到|至|给)`, `版权所有`, `[Cc]opyright`, `©`,
	`^(标签|关键词|关键字|TAG|Tags?)[:：]`, `^(当前位置|您的位置|你的位置|所在位置)`, `^首页\s*[>›»/]`,
	`[>›»]\s*正文$`, `^(发布|更新|上传)(时间|日期|者)[:：]`, `(浏览|阅读|点击)(次数|量)?[:：]?\s*[0-9]+\s*次?$`,
	`^(来源|作者|编辑|责任编辑)[:：]`, `转载请(注明|保留)`, `本文(地址|链接|网址)`, `(原文|本文)(来自|出自|来源)`,
	`(扫一扫|扫码|二维码|公众号)`, `(返回|回到)(顶部|首页|列表)`, `猜你喜欢`, `热门(文章|推荐|标签|搜索)`,
	`(网友|用户)(评论|留言)`, `仅供(参考|学习|交流)`, `(侵权|侵犯).{0,10}(删除|联系)`, `^(打印|收藏|关闭)(本页|本文|窗口)`,
	`【(打印|关闭|收藏|字号)`, `^字号[:：]`, `^(登录|注册)\s*[|｜/]`, `^推荐(阅读|文章|范文)`, `(本站|本网|网站)(所有|提供|整理|声明)`,
	`^(微信|QQ|微博|QQ空间)(\s|$)`, `^(全文|文章)?(共|约)\d+字`, `^(字数|页数)[:：]`,
})

// compileAll compiles patterns one by one: many small expressions with literal
// prefixes run much faster than one alternation.
func compileAll(patterns []string) []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	return res
}

const maxFurnitureRunes = 80

// maxTitleRunes bounds a title-like line.
const maxTitleRunes = 50

// isFurniture reports whether a (trimmed) line is page furniture: a known
// notice, or a menu — three or more short words with no punctuation.
func isFurniture(t string) bool {
	if t == "" || utf8.RuneCountInString(t) > maxFurnitureRunes || isTableRow(t) {
		return false
	}
	for _, re := range reFurniture {
		if re.MatchString(t) {
			return true
		}
	}
	f := strings.Fields(t)
	if len(f) < 3 || hasSentencePunct(t) {
		return false
	}
	for _, w := range f {
		if utf8.RuneCountInString(w) > 6 {
			return false
		}
	}
	return true
}

// isTableRow is a line of a Markdown table (how tables of a .docx are read).
func isTableRow(t string) bool {
	return len(t) >= 2 && strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|")
}

// hasSentencePunct reports whether s has Chinese sentence punctuation, the mark
// of running text as opposed to navigation or tags.
func hasSentencePunct(s string) bool {
	return strings.ContainsAny(s, "。，；！？：、")
}

// isStray is the heuristic for the edges of articles: a short line with no
// sentence punctuation that is not a heading, not a date and not an issuing
// unit is furniture when it comes before the first article or after the end of
// one.
func isStray(t string) bool {
	if t == "" {
		return true
	}
	if isTableRow(t) {
		return false
	}
	if utf8.RuneCountInString(t) > maxTitleRunes || hasSentencePunct(t) || reSignature.MatchString(t) {
		return false
	}
	_, ok := parseHeading(t)
	return !ok
}

// reSignature is the end of an official document: the issuing unit and date.
var reSignature = regexp.MustCompile(`(政府|委员会|人民政府|教育局|教体局|教育和体育局|办公室|督导室|督导委员会|领导小组|委|局|中心|学校|小学|中学)$|^[0-9０-９〇零一二三四五六七八九十○OＯxX×]{2,4}\s*年.{1,3}月.{0,4}日?$`)

// SplitArticles splits a text into the reports it holds, drops the page
// furniture around them and parses each one's outline. A text with no article
// markers is one article whose title is the last short title-like line (one
// naming a 报告, 总结 or 汇报 if any) before the first line of running text.
// An empty text gives no articles.
func SplitArticles(text string) []Article {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = NormalizePunct(trimOutline(lines[i]))
	}
	starts := markerLines(lines)
	var arts []Article
	if len(starts) == 0 {
		if a, ok := singleArticle(lines); ok {
			arts = append(arts, a)
		}
		return arts
	}
	for k, st := range starts {
		end := len(lines)
		if k+1 < len(starts) {
			end = starts[k+1].line
		}
		title, from := st.title, st.line+1
		if isGenericTitle(title) {
			// The marker holds no title or a template site's label: the article's
			// own first title line is its title (and leaves the body).
			for from < end && (lines[from] == "" || isFurniture(lines[from])) {
				from++
			}
			if own, n := ownTitle(lines[from:end]); n > 0 {
				title, from = own, from+n
			} else if title == "" && from < end {
				title, from = lines[from], from+1
			}
		}
		arts = append(arts, buildArticle(lines, st.line, title, from, end))
	}
	return arts
}

// articleMarker is the start of an article: its line and its title.
type articleMarker struct {
	line  int
	title string
}

// markerLines finds the article markers, or the numbered article titles.
func markerLines(lines []string) []articleMarker {
	var ms []articleMarker
	for i, t := range lines {
		for _, re := range reMarkers {
			if m := re.FindString(t); m != "" {
				ms = append(ms, articleMarker{i, trimOutline(t[len(m):])})
				break
			}
		}
	}
	if len(ms) > 0 {
		return ms
	}
	for i, t := range lines {
		if m := reNumberedTitle.FindStringSubmatch(t); m != nil && !hasSentencePunct(m[2]) {
			if len(ms) == 0 && m[1] != "1" && m[1] != "１" {
				continue
			}
			ms = append(ms, articleMarker{i, m[2]})
		}
	}
	if len(ms) < 2 {
		return nil
	}
	return ms
}

// singleArticle finds the title and body of a text holding one report.
func singleArticle(lines []string) (Article, bool) {
	first := -1 // first line of running text or first heading
	for i, t := range lines {
		if t == "" || isFurniture(t) {
			continue
		}
		if _, ok := parseHeading(t); ok || !isStray(t) {
			first = i
			break
		}
	}
	if first < 0 {
		first = len(lines)
	}
	title, titleLine := "", -1
	for i := first - 1; i >= 0; i-- {
		t := lines[i]
		if t == "" || isFurniture(t) || !isStray(t) || reSignature.MatchString(t) {
			continue
		}
		if titleLine < 0 || strings.ContainsAny(t, "报告总结汇报") && !strings.ContainsAny(title, "报告总结汇报") {
			title, titleLine = t, i
		}
	}
	if titleLine < 0 {
		if first == len(lines) {
			return Article{}, false
		}
		return buildArticle(lines, first, "", first, len(lines)), true
	}
	// A title printed on two or three lines (a Word title of GB/T 9704).
	top := titleLine
	for top > 0 && titleLine-top < 2 && lines[top-1] != "" && !isFurniture(lines[top-1]) && isStray(lines[top-1]) &&
		!reSignature.MatchString(lines[top-1]) {
		top--
	}
	title = strings.Join(lines[top:titleLine+1], "")
	return buildArticle(lines, top, title, titleLine+1, len(lines)), true
}

// buildArticle makes the article titled title (on line titleLine, 0-based)
// from lines[from:end]: furniture dropped, stray lines trimmed from the end,
// outline and placeholders found with line numbers of the whole text.
func buildArticle(lines []string, titleLine int, title string, from, end int) Article {
	var body []string
	var orig []int // orig[i] is the 0-based line of body[i] in lines
	end = from + len(cutTail(lines[from:end]))
	for i := from; i < end; i++ {
		t := lines[i]
		if isFurniture(t) || t == "" && len(body) == 0 {
			continue
		}
		body = append(body, t)
		orig = append(orig, i)
	}
	for len(body) > 0 && isStray(body[len(body)-1]) {
		body, orig = body[:len(body)-1], orig[:len(orig)-1]
	}
	lineOf := func(n int) int { // n is a 1-based body line
		if n >= 1 && n <= len(orig) {
			return orig[n-1] + 1
		}
		return titleLine + 1
	}
	a := Article{Title: title, Body: strings.Join(body, "\n"), StartLine: titleLine + 1}
	a.Root = ParseOutline(a.Body)
	a.Root.Walk(func(s *OutlineSection) {
		s.Line = lineOf(s.Line)
	})
	a.Root.Line = a.StartLine
	a.Placeholders = Lint(a.Body)
	for i := range a.Placeholders {
		a.Placeholders[i].Line = lineOf(a.Placeholders[i].Line)
	}
	return a
}
