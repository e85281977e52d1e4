package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"ziping"
)

// storeError translates a database error into the domain error, by SQLite's extended
// result code. what names the record in messages a user may see ("用户名「li」").
// Errors that are already domain errors pass through.
func storeError(err error, op, what string) error {
	if err == nil {
		return nil
	}
	var de *ziping.Error
	if errors.As(err, &de) {
		return err
	}
	wrapped := fmt.Errorf("%s: %w", op, err)
	if errors.Is(err, sql.ErrNoRows) {
		return &ziping.Error{Kind: ziping.NotFound, Msg: "找不到" + what, Err: wrapped}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if kind, msg, ok := codeKind(se.Code(), what); ok {
			return &ziping.Error{Kind: kind, Msg: msg, Err: wrapped}
		}
	}
	return internal(op, err)
}

// codeKind maps an SQLite result code to a kind and a message.
func codeKind(code int, what string) (ziping.Kind, string, bool) {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return ziping.Conflict, what + "已存在", true
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return ziping.NotFound, "所引用的单位、用户或批次不存在", true
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return ziping.Invalid, "数据不完整或取值不在允许范围内", true
	}
	switch code & 0xff { // the primary code, for the families without a useful extension
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return ziping.Internal, "数据库正忙，请稍后再试", true
	case sqlite3.SQLITE_FULL:
		return ziping.Internal, "磁盘已满，数据未能保存", true
	case sqlite3.SQLITE_READONLY:
		return ziping.Internal, "数据库文件只读，无法写入", true
	}
	return 0, "", false
}

// internal wraps an unexpected error: the user sees only that the database failed.
func internal(op string, err error) error {
	return &ziping.Error{Kind: ziping.Internal, Msg: "数据库出错", Err: fmt.Errorf("%s: %w", op, err)}
}

// invalid is an Invalid error with a message for the user.
func invalid(format string, args ...any) error {
	return ziping.Errorf(ziping.Invalid, format, args...)
}
