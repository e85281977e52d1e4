package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ziping"
)

// uploadTTL is how long an uploaded file waits for its confirmation.
const uploadTTL = 30 * time.Minute

// upload is a file kept between its preview and its confirmation, bound to the
// session that uploaded it and to the unit it is imported into.
type upload struct {
	ID      string    `json:"-"`
	Session string    `json:"session"` // the session's token hash
	UserID  int64     `json:"user_id"`
	Unit    string    `json:"unit"`
	Name    string    `json:"name"`
	Period  int       `json:"period"`
	SHA256  string    `json:"sha256"`
	Created time.Time `json:"created"`
}

// errNoUpload answers a confirmation whose upload is unknown, expired or another
// session's: they are not told apart.
var errNoUpload = ziping.Errorf(ziping.Invalid, "上传的文件不存在或已过期，请重新上传")

// validUploadID: 32 hex digits, the only names ever joined to the upload folder.
func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Server) uploadPath(id, ext string) string { return filepath.Join(s.opts.UploadDir, id+ext) }

// saveUpload keeps data under a fresh random id, with its description beside it.
func (s *Server) saveUpload(u *upload, data []byte) error {
	s.sweepUploads()
	if err := os.MkdirAll(s.opts.UploadDir, 0o700); err != nil {
		return fmt.Errorf("upload dir: %w", err)
	}
	u.ID = randomHex(16)
	sum := sha256.Sum256(data)
	u.SHA256 = hex.EncodeToString(sum[:])
	meta, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if err := os.WriteFile(s.uploadPath(u.ID, ".data"), data, 0o600); err != nil {
		return fmt.Errorf("save upload: %w", err)
	}
	if err := os.WriteFile(s.uploadPath(u.ID, ".json"), meta, 0o600); err != nil {
		s.removeUpload(u.ID)
		return fmt.Errorf("save upload: %w", err)
	}
	return nil
}

// loadUpload returns the upload id of the request's session for unit, with its bytes.
func (s *Server) loadUpload(id string, sess *ziping.Session, unit string) (*upload, []byte, error) {
	if !validUploadID(id) || sess == nil {
		return nil, nil, errNoUpload
	}
	meta, err := os.ReadFile(s.uploadPath(id, ".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, errNoUpload
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read upload: %w", err)
	}
	u := &upload{}
	if err := json.Unmarshal(meta, u); err != nil {
		return nil, nil, fmt.Errorf("read upload %s: %w", id, err)
	}
	u.ID = id
	if u.Session != sess.TokenHash || u.UserID != sess.UserID || u.Unit != unit {
		return nil, nil, errNoUpload
	}
	if s.now().Sub(u.Created) > uploadTTL {
		s.removeUpload(id)
		return nil, nil, errNoUpload
	}
	data, err := os.ReadFile(s.uploadPath(id, ".data"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, errNoUpload
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read upload: %w", err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != u.SHA256 {
		return nil, nil, errNoUpload
	}
	return u, data, nil
}

func (s *Server) removeUpload(id string) {
	if !validUploadID(id) {
		return
	}
	os.Remove(s.uploadPath(id, ".data"))
	os.Remove(s.uploadPath(id, ".json"))
}

// sweepUploads removes uploads older than uploadTTL (by file time: the files of a
// server that stopped are swept too).
func (s *Server) sweepUploads() {
	es, err := os.ReadDir(s.opts.UploadDir)
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-uploadTTL)
	for _, e := range es {
		name := e.Name()
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".data"), ".json")
		if !validUploadID(id) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(s.opts.UploadDir, name))
		}
	}
}

// now is the service's clock.
func (s *Server) now() time.Time {
	if s.svc.Now != nil {
		return s.svc.Now()
	}
	return time.Now()
}
