package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ziping"
)

// storeError translates a database error into the domain error, by SQLSTATE. what
// names the record in messages a user may see ("用户名「li」"). Errors that are
// already domain errors pass through.
func storeError(err error, op, what string) error {
	if err == nil {
		return nil
	}
	var de *ziping.Error
	if errors.As(err, &de) {
		return err
	}
	wrapped := fmt.Errorf("%s: %w", op, err)
	if errors.Is(err, pgx.ErrNoRows) {
		return &ziping.Error{Kind: ziping.NotFound, Msg: "找不到" + what, Err: wrapped}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if kind, msg, ok := codeKind(pe.Code, what); ok {
			return &ziping.Error{Kind: kind, Msg: msg, Err: wrapped}
		}
	}
	return internal(op, err)
}

// codeKind maps an SQLSTATE to a kind and a message, as the SQLite store maps its
// result codes, so that both stores answer alike.
func codeKind(code, what string) (ziping.Kind, string, bool) {
	switch code {
	case "23505": // unique_violation
		return ziping.Conflict, what + "已存在", true
	case "23503": // foreign_key_violation: what is referred to is missing
		return ziping.NotFound, "所引用的单位、用户或批次不存在", true
	case "23514", "23502": // check_violation, not_null_violation
		return ziping.Invalid, "数据不完整或取值不在允许范围内", true
	case "22001", "22003", "22P02", "22021": // too long, out of range, bad text, bad encoding
		return ziping.Invalid, "数据取值不在允许范围内", true
	case "40001", "40P01", "55P03", "53300": // serialization, deadlock, lock timeout, too many connections
		return ziping.Internal, "数据库正忙，请稍后再试", true
	case "53100": // disk_full
		return ziping.Internal, "磁盘已满，数据未能保存", true
	case "25006": // read_only_sql_transaction (a standby)
		return ziping.Internal, "数据库只读，无法写入", true
	}
	return 0, "", false
}

// internal wraps an unexpected error: the user sees only that the database failed.
func internal(op string, err error) error {
	return &ziping.Error{Kind: ziping.Internal, Msg: "数据库出错", Err: fmt.Errorf("%s: %w", op, err)}
}
