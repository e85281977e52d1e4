package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is a throwaway PostgreSQL: a data directory in a temporary directory and a
// postgres process that is a child of the test binary.
type server struct {
	dir     string // temporary directory: data/, the socket, postgres.log
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the postgres process has exited
	dsn     string
	initdb  time.Duration // for the record: how long initdb took,
	started time.Duration // and initdb plus start-up
}

// startTimeout bounds the wait for a started server to accept connections.
const startTimeout = 60 * time.Second

// staleAfter is when a left-over server directory is surely no one's any more: go
// test's default timeout is ten minutes.
const staleAfter = 24 * time.Hour

// start finds the newest PostgreSQL binaries, creates a cluster in a temporary
// directory and starts it on a free loopback port.
func start() (*server, error) {
	begin := time.Now()
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	removeStale()
	dir, err := os.MkdirTemp("", "ziping-pg-")
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	s := &server{dir: dir}
	if err := s.setUp(bin, cred); err != nil {
		_ = s.stop()
		return nil, fmt.Errorf("start PostgreSQL from %s: %w", bin, err)
	}
	s.started = time.Since(begin)
	return s, nil
}

// removeStale removes the server directories that test binaries killed before their
// clean-up (Ctrl-C, a -timeout panic) left behind, about 40 MB each.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "ziping-pg-*")) // the pattern is valid
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() && time.Since(fi.ModTime()) > staleAfter {
			_ = os.RemoveAll(dir) // best effort: it is only disk space
		}
	}
}

// setUp runs initdb and starts the server, retrying when another process took the
// free port between our choosing it and postgres binding it.
func (s *server) setUp(bin string, cred *syscall.Credential) error {
	if cred != nil {
		// PostgreSQL refuses to run as root: the directory goes to the user it runs as.
		if err := os.Chown(s.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	// --no-sync: the cluster lives for one test binary, so durability buys nothing.
	begin := time.Now()
	out, err := s.command(bin, cred, "initdb", "-D", s.data(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	s.initdb = time.Since(begin)
	for attempt := 0; ; attempt++ {
		err = s.run(bin, cred)
		if err == nil || attempt == 2 {
			return err
		}
	}
}

// run starts postgres on a free port and waits until it accepts connections.
func (s *server) run(bin string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logPath := filepath.Join(s.dir, "postgres.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy of the descriptor
	// Durability settings off: a test server that loses data in a crash loses nothing.
	// Connections up: parallel tests each hold a pool.
	s.cmd = s.command(bin, cred, "postgres", "-D", s.data(), "-p", strconv.Itoa(port),
		"-h", "127.0.0.1", "-k", s.dir, "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=500")
	s.cmd.Stdout, s.cmd.Stderr = log, log
	// If the test binary dies without cleaning up (a -timeout panic, a kill), the
	// server goes with it instead of lingering; SIGQUIT is its immediate shutdown.
	s.cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := s.startLocked(); err != nil {
		s.cmd = nil // nothing to stop
		return err
	}
	s.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := s.waitReady(); err != nil {
		logText, _ := os.ReadFile(logPath)
		return fmt.Errorf("%w\n%s", err, logText)
	}
	return nil
}

// startLocked starts s.cmd from a goroutine locked to its OS thread until postgres
// exits: the kernel sends Pdeathsig when the thread that started the child ends, not
// the process, and a thread may end when some other goroutine locked to it exits.
func (s *server) startLocked() error {
	s.exited = make(chan struct{})
	started := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the server
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// waitReady polls until the server accepts a connection, it exits, or time is up.
func (s *server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, s.dsn)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-s.exited:
			return errors.New("postgres exited during start-up")
		case <-ctx.Done():
			_ = s.cmd.Process.Kill()
			<-s.exited
			return fmt.Errorf("postgres did not accept connections within %v: %w", startTimeout, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop shuts the server down (fast shutdown, then kill if it hangs) and removes its
// directory.
func (s *server) stop() error {
	if s.cmd != nil {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-s.exited:
			case <-time.After(15 * time.Second):
				_ = s.cmd.Process.Kill()
				<-s.exited
			}
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("remove %s: %w", s.dir, err)
	}
	return nil
}

func (s *server) data() string { return filepath.Join(s.dir, "data") }

// command prepares one of the server binaries to run as cred's user (nil: as we
// are), in the server's directory, with the C locale whatever the environment says.
func (s *server) command(bin string, cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
