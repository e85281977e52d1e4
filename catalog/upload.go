package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"

	"ziping"
	"ziping/engine"
)

// Problems is the Err of the Invalid error Upload returns for a file with
// problems: every problem with its line, and the file's text to show them in.
type Problems struct {
	File     string
	Source   []byte
	Problems []engine.Problem
}

func (p *Problems) Error() string { return (&engine.FrameworkError{Problems: p.Problems}).Error() }

// idRE and versionRE bound what a framework's id and version may be: they name it in
// addresses, file names and the audit trail.
var (
	idRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
)

// Check reads a framework file and lists every problem at its line (the shape of
// the file, then its meaning, as engine.Load checks them, and the id and version
// this catalog accepts). It stores nothing.
func Check(name string, data []byte) (*engine.Program, []engine.Problem) {
	p, err := engine.Load(name, data)
	var fe *engine.FrameworkError
	if errors.As(err, &fe) {
		return nil, fe.Problems
	}
	if err != nil {
		return nil, []engine.Problem{{File: name, Msg: err.Error()}}
	}
	var ps []engine.Problem
	if !idRE.MatchString(p.FW.ID) {
		ps = append(ps, engine.Problem{File: name, Line: keyLine(data, "id"), Msg: "id 只能由字母、数字和 . _ - 组成（不超过64个字符），如 xqpjph-2020"})
	}
	if !versionRE.MatchString(p.FW.Version) {
		ps = append(ps, engine.Problem{File: name, Line: keyLine(data, "version"), Msg: "version 只能由字母、数字和 . _ - 组成（不超过32个字符），如 \"2024.1\""})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return p, nil
}

// keyLine is the line of a top-level key of a YAML file, 0 when not found.
func keyLine(data []byte, key string) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(key+":")) {
			return i + 1
		}
	}
	return 0
}

// Upload checks a framework file and stores it as a new version of its framework
// (a new framework when its id is new). It applies to no period until chosen
// (SetPeriod). A file with problems is Invalid with a *Problems as its Err, and
// nothing is stored. A version already stored is never replaced: the same file
// again is answered with the stored version, another file with that version is a
// Conflict.
func (s *Service) Upload(ctx context.Context, a *ziping.Actor, name string, data []byte) (*ziping.StoredFramework, error) {
	if err := admin(a); err != nil {
		return nil, err
	}
	prog, problems := Check(name, data)
	if len(problems) > 0 {
		return nil, &ziping.Error{Kind: ziping.Invalid, Msg: "评价体系文件有误，未保存：共" + itoa(len(problems)) + "处问题",
			Err: &Problems{File: name, Source: data, Problems: problems}}
	}
	fw := prog.FW
	sum := sha256.Sum256(data)
	sf := &ziping.StoredFramework{ID: fw.ID, Version: fw.Version, Name: fw.Name, Source: data, CreatedBy: a.UserID(), CreatedAt: s.now()}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		have, err := tx.Framework(ctx, fw.ID, fw.Version)
		switch {
		case err == nil && bytes.Equal(have.Source, data):
			*sf = *have
			return nil
		case err == nil:
			return s.storedConflict(ctx, tx, have)
		case !ziping.IsNotFound(err):
			return err
		}
		prev, err := tx.Framework(ctx, fw.ID, "")
		previous := ""
		if err == nil {
			previous = prev.Version
		} else if !ziping.IsNotFound(err) {
			return err
		}
		if err := tx.SaveFramework(ctx, sf); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "framework_save", object(fw.ID, fw.Version), nil, map[string]any{
			"id": fw.ID, "version": fw.Version, "name": fw.Name, "level": fw.Level, "file": name,
			"sha256": hex.EncodeToString(sum[:]), "previous": previous, "points": countPoints(fw)})
	})
	if err != nil {
		return nil, err
	}
	return sf, nil
}

// storedConflict refuses a file that would change a stored version, saying whether
// assessments use it.
func (s *Service) storedConflict(ctx context.Context, tx ziping.Store, have *ziping.StoredFramework) error {
	uses, err := tx.FrameworkUsage(ctx, have.ID)
	if err != nil {
		return err
	}
	n := 0
	for _, u := range uses {
		if u.Version == have.Version {
			n += u.Count
		}
	}
	msg := "评价体系「" + have.Name + "」的版本「" + have.Version + "」已经保存，已保存的版本不能修改"
	if n > 0 {
		msg += "（已有" + itoa(n) + "项自评使用该版本）"
	}
	return ziping.Errorf(ziping.Conflict, "%s。请在文件中改用新的版本号（version）后重新上传", msg)
}

func countPoints(fw *engine.Framework) int {
	n := 0
	for _, a := range fw.Areas {
		n += len(a.Points)
	}
	return n
}
