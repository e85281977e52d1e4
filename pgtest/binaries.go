package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// errNoBinaries is returned when no directory holds both initdb and postgres.
var errNoBinaries = errors.New("PostgreSQL server binaries not found; .ci/run installs package postgresql")

// binDirs are where the server binaries are looked for besides PATH: Debian and
// Ubuntu install each major version in its own directory and put none on PATH.
var binDirs = []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin"}

// findBinaries returns the directory of the newest PostgreSQL server binaries.
func findBinaries() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		// PATH may hold only links (/usr/local/bin/initdb → …/15/bin/initdb): take
		// the directory they point into, so that initdb and postgres match.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, pattern := range binDirs {
		m, _ := filepath.Glob(pattern) // the patterns are constant and valid
		dirs = append(dirs, m...)
	}
	best, bestVersion := "", []int(nil)
	for _, dir := range dirs {
		v, ok := serverVersion(dir)
		if ok && newer(v, bestVersion) {
			best, bestVersion = dir, v
		}
	}
	if best == "" {
		return "", errNoBinaries
	}
	return best, nil
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// serverVersion returns the version of the server in dir, if dir holds both initdb
// and postgres.
func serverVersion(dir string) ([]int, bool) {
	if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
		return nil, false
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return nil, false
	}
	return parseVersion(string(out))
}

// parseVersion reads "postgres (PostgreSQL) 15.18 (Debian …)" as [15 18].
func parseVersion(s string) ([]int, bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	major, _ := strconv.Atoi(m[1]) // the pattern matched digits
	minor, _ := strconv.Atoi(m[2]) // "" (no minor) reads as 0
	return []int{major, minor}, true
}

func newer(a, b []int) bool {
	if b == nil {
		return true
	}
	return a[0] > b[0] || a[0] == b[0] && a[1] > b[1]
}

// serverUser is the system user the server runs as when the tests run as root.
const serverUser = "ziping-pg"

// credential returns whom to run the server binaries as: nil (ourselves) unless we
// are root, whom PostgreSQL refuses to run as; then serverUser, created if missing.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := lookupOrCreateUser()
	if err != nil {
		return nil, err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user %s: %w", serverUser, err)
	}
	// Groups empty: drop root's supplementary groups too.
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// lookupOrCreateUser finds serverUser or creates it with useradd. Test binaries of
// several packages start at once and may race to create it: useradd then fails
// (user exists, /etc/passwd locked) and the next look-up finds the other's user.
func lookupOrCreateUser() (*user.User, error) {
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		if u, err := user.Lookup(serverUser); err == nil {
			return u, nil
		}
		out, err := exec.Command("useradd", "--system", "--no-create-home",
			"--shell", "/usr/sbin/nologin", serverUser).CombinedOutput()
		if err == nil {
			continue
		}
		lastErr = fmt.Errorf("useradd %s: %w: %s", serverUser, err, out)
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	return nil, lastErr
}
