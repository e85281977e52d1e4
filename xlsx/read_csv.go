package xlsx

import (
	"bytes"
	"math/bits"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// minChunk is the smallest CSV body worth splitting between goroutines.
const minChunk = 1 << 20

// readCSV reads one CSV file: UTF-8 with or without BOM, or GBK (GB18030) when the
// bytes are not valid UTF-8, as Excel saves "CSV" on Chinese Windows.
func (r *reader) readCSV(name string, data []byte) {
	data = decodeText(data)
	// The buffer is never written again, so a string view of it is safe and saves a
	// copy of the whole file; every cell kept beyond its row is copied out of it.
	s := unsafe.String(unsafe.SliceData(data), len(data))
	var f []string
	pos := 0
	for n := 1; n <= maxTitleRows+1 && pos < len(s); n++ {
		var next int
		f, next = nextRecord(s, pos, f[:0], true)
		if kind := detectKind(f); kind != kindNone {
			t := r.newTable(kind, name, "", n)
			r.header(t, f)
			body := cutBody(t, s[next:])
			if kind == kindSchools && r.opt.SchoolPeriods != nil && t.lay.text[tfPeriod] >= 0 {
				// Which periods to read is known once every input is: facts tables
				// and other files may hold periods this one does not.
				r.pending = append(r.pending, body)
				return
			}
			body.parse(nil)
			return
		}
		pos = next
	}
	r.fileError(name, reasonNoTable)
}

// decodeText strips a UTF-8 byte order mark, or decodes GB18030 (a superset of GBK).
func decodeText(data []byte) []byte {
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		return data[3:]
	}
	if validUTF8(data) {
		return data
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// validUTF8 checks a large buffer on every core: it is one of the few passes over
// the whole file.
func validUTF8(data []byte) bool {
	chunks := splitChunks(unsafe.String(unsafe.SliceData(data), len(data)), runtime.GOMAXPROCS(0))
	var bad atomic.Bool
	var wg sync.WaitGroup
	for _, c := range chunks {
		wg.Go(func() {
			if !utf8.ValidString(c) {
				bad.Store(true)
			}
		})
	}
	wg.Wait()
	return !bad.Load()
}

// rowSink takes the rows of one chunk.
type rowSink interface {
	row(n int, f []string)
	shift(base int)
}

// body is the rows below a table's header, cut into chunks that can be parsed on
// every core.
type body struct {
	t      *table
	chunks []string
	quotes bool        // a quote anywhere: fields may hold commas and newlines
	runs   [][]yearRun // with a period filter: each chunk's records by period
}

// cutBody cuts the rows below the header. A school table without quote characters
// is cut into chunks at line boundaries; with quotes a field may hold a newline, so
// the file is parsed in one piece. The chunks are looked at for quotes on every
// core: it is a pass over the whole file.
func cutBody(t *table, rows string) *body {
	b := &body{t: t, chunks: []string{rows}}
	if t.kind != kindSchools {
		b.quotes = strings.IndexByte(rows, '"') >= 0
		return b
	}
	chunks := splitChunks(rows, 4*runtime.GOMAXPROCS(0))
	var quoted atomic.Bool
	eachChunk(len(chunks), func(i int) {
		if !quoted.Load() && strings.IndexByte(chunks[i], '"') >= 0 {
			quoted.Store(true)
		}
	})
	if b.quotes = quoted.Load(); !b.quotes {
		b.chunks = chunks
	}
	return b
}

// parse parses every chunk on every core into the table's parts; with a filter,
// the rows of periods it does not keep are only counted.
func (b *body) parse(flt *rowFilter) {
	t := b.t
	sinks := make([]rowSink, len(b.chunks))
	lines := make([]int, len(b.chunks))
	var sl *slabs
	if t.kind == kindSchools {
		sizes := make([]int, len(b.chunks))
		for i, chunk := range b.chunks {
			// Room for the extra rows of split combined schools (one row in
			// eight in national statistics), so that no column has to grow and
			// move at the end of the chunk. Room never written costs no memory.
			n := strings.Count(chunk, "\n") + 1
			if flt != nil {
				n = flt.kept(b.runs[i])
			}
			sizes[i] = n + n/4
		}
		sl = newSlabs(t.lay, sizes, t.floats)
	}
	eachChunk(len(b.chunks), func(i int) { sinks[i], lines[i] = b.parseChunk(i, flt, sl) })
	base := t.hdrRow
	for i, s := range sinks {
		s.shift(base)
		base += lines[i]
		switch p := s.(type) {
		case *schoolPart:
			t.schools = append(t.schools, p)
		case *factsPart:
			t.facts = append(t.facts, p)
		}
	}
}

// parseChunk parses chunk i into a new part, numbering rows from 1, and returns the
// part and how many rows it spans.
func (b *body) parseChunk(i int, flt *rowFilter, sl *slabs) (rowSink, int) {
	t, chunk := b.t, b.chunks[i]
	var sink rowSink
	var sp *schoolPart
	if t.kind == kindSchools {
		sp = newSchoolPart(t, sl.size[i], sl, i)
		sink = sp
	} else {
		sink = newFactsPart(t, nil)
	}
	n := 0
	if flt == nil {
		n = b.parseRecords(chunk, 0, sink)
	} else {
		for _, run := range b.runs[i] {
			if flt.keeps(run) {
				n += b.parseRecords(chunk[run.lo:run.hi], n, sink)
			} else {
				flt.pass(sp, n, chunk[run.lo:run.hi], run, b.quotes)
				n += run.records
			}
		}
	}
	if sp != nil {
		sp.done()
	}
	return sink, n
}

// parseRecords hands every record of s to sink, numbering them from after+1, and
// returns how many there were.
func (b *body) parseRecords(s string, after int, sink rowSink) int {
	var f []string
	n := after
	for pos := 0; pos < len(s); {
		f, pos = nextRecord(s, pos, f[:0], b.quotes)
		n++
		sink.row(n, f)
	}
	return n - after
}

// eachChunk runs fn(i) for i in [0, n) on every core.
func eachChunk(n int, fn func(i int)) {
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// splitChunks cuts s into about n pieces, each ending after a newline.
func splitChunks(s string, n int) []string {
	if n <= 1 || len(s) < minChunk {
		return []string{s}
	}
	size := max(len(s)/n, minChunk/4)
	var out []string
	for len(s) > size {
		k := strings.IndexByte(s[size:], '\n')
		if k < 0 {
			break
		}
		out = append(out, s[:size+k+1])
		s = s[size+k+1:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// nextRecord splits the record at s[pos:] into fields appended to f and returns the
// position after it. Fields are views into s; only a quoted field with doubled
// quotes is a new string. quotes says whether s may contain a quote at all. One
// byte loop beats a call to strings.IndexByte per field: fields are short.
func nextRecord(s string, pos int, f []string, quotes bool) ([]string, int) {
	if !quotes {
		return plainRecord(s, pos, f)
	}
	start, nf := pos, len(f)
	for i := pos; i < len(s); i++ {
		c := s[i]
		if c > ',' {
			continue // digits, letters, '.', '-' and UTF-8: one compare for most bytes
		}
		switch c {
		case ',':
			f = append(f, s[start:i])
			start = i + 1
		case '\n':
			return append(f, trimCR(s[start:i])), i + 1
		case '"':
			if quotes {
				return quotedRecord(s, pos, f[:nf])
			}
		}
	}
	return append(f, trimCR(s[start:])), len(s)
}

// plainRecord is nextRecord for text without quotes. It looks at eight bytes at a
// time: a word's commas and newlines are found with a few arithmetic operations
// and taken lowest first, rather than a compare and a branch on every byte.
func plainRecord(s string, pos int, f []string) ([]string, int) {
	start, i := pos, pos
	for i+8 <= len(s) {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		m := zeroBytes(w^(ones*',')) | zeroBytes(w^(ones*'\n'))
		for m != 0 {
			// The lowest flagged byte is exact; flags above a true one may be
			// borrows, so each is checked.
			j := i + bits.TrailingZeros64(m)/8
			m &= m - 1
			switch s[j] {
			case ',':
				f = append(f, s[start:j])
				start = j + 1
			case '\n':
				return append(f, trimCR(s[start:j])), j + 1
			}
		}
		i += 8
	}
	for ; i < len(s); i++ {
		switch s[i] {
		case ',':
			f = append(f, s[start:i])
			start = i + 1
		case '\n':
			return append(f, trimCR(s[start:i])), i + 1
		}
	}
	return append(f, trimCR(s[start:])), len(s)
}

// ones has every byte 1; zeroBytes flags (0x80) the zero bytes of w: the lowest flag
// is always right, a flag above a zero byte may be wrong.
const ones = 0x0101010101010101

func zeroBytes(w uint64) uint64 { return (w - ones) & ^w & (ones * 0x80) }

func trimCR(s string) string {
	if k := len(s) - 1; k >= 0 && s[k] == '\r' {
		return s[:k]
	}
	return s
}

// quotedRecord parses a record that contains quotes, RFC 4180 style but lenient as
// spreadsheets are: a quote inside an unquoted field is literal, text after a
// closing quote is kept, and an unterminated quote runs to the end of the file.
func quotedRecord(s string, pos int, f []string) ([]string, int) {
	i := pos
	for {
		var fld string
		if i < len(s) && s[i] == '"' {
			fld, i = quotedField(s, i+1)
		} else {
			end := i + strings.IndexAny(s[i:], ",\n")
			if end < i {
				end = len(s)
			}
			fld, i = trimCR(s[i:end]), end
		}
		f = append(f, fld)
		if i >= len(s) {
			return f, len(s)
		}
		if s[i] == '\n' {
			return f, i + 1
		}
		i++ // the comma
	}
}

// quotedField reads a quoted field whose content starts at s[i] and returns it with
// the position of the delimiter after it.
func quotedField(s string, i int) (string, int) {
	start, escaped := i, false
	for {
		k := strings.IndexByte(s[i:], '"')
		if k < 0 {
			return unescape(s[start:], escaped), len(s)
		}
		i += k
		if i+1 < len(s) && s[i+1] == '"' {
			escaped, i = true, i+2
			continue
		}
		break
	}
	fld := unescape(s[start:i], escaped)
	i++
	end := i + strings.IndexAny(s[i:], ",\n")
	if end < i {
		end = len(s)
	}
	if rest := strings.TrimRight(s[i:end], "\r"); rest != "" {
		fld += rest
	}
	return fld, end
}

func unescape(s string, escaped bool) string {
	if !escaped {
		return s
	}
	return strings.ReplaceAll(s, `""`, `"`)
}
