package ziping

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an Error; web maps kinds to HTTP status in one place.
type Kind uint8

// Error kinds.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Forbidden
	Unauthorized
	// Busy: too many requests of the kind at once, or a quota reached; try again
	// later (HTTP 429).
	Busy
)

// Error is the one domain error. Msg is safe to show to a user (in Chinese where a
// user sees it); Err is the hidden cause.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	if e.Msg == "" {
		return e.Err.Error()
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of the given kind with a formatted safe message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err: the kind of the first *Error in its chain,
// Internal otherwise.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// CellError is one bad cell of an imported file.
type CellError struct {
	File   string `json:"file"`
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row"`              // 1-based, as the spreadsheet shows it; 0 for the file
	Column string `json:"column,omitempty"` // the header as written, with its letter: "F 在校生数"
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

func (c CellError) String() string {
	var b strings.Builder
	b.WriteString(c.File)
	if c.Sheet != "" {
		b.WriteString(" 工作表「" + c.Sheet + "」")
	}
	if c.Row > 0 {
		fmt.Fprintf(&b, " 第%d行", c.Row)
	}
	if c.Column != "" {
		b.WriteString(" 列「" + c.Column + "」")
	}
	if c.Value != "" {
		b.WriteString(" 值「" + c.Value + "」")
	}
	b.WriteString(": " + c.Reason)
	return b.String()
}

// ImportError lists every bad cell of an import; nothing was imported.
type ImportError struct {
	Cells []CellError
}

// MaxListedCells bounds how many cell errors Error() lists.
const MaxListedCells = 50

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "导入失败，共%d处错误，未导入任何数据:", len(e.Cells))
	for i, c := range e.Cells {
		if i == MaxListedCells {
			fmt.Fprintf(&b, "\n  …… 另有%d处错误未列出", len(e.Cells)-i)
			break
		}
		b.WriteString("\n  " + c.String())
	}
	return b.String()
}

// IsNotFound reports whether err is a NotFound domain error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == NotFound
}
