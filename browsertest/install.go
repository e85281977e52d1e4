package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// Candidates are where chromium is looked for: Debian's path, then the names in
// PATH.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser"}

// lockFile serialises apt-get between test binaries that start at once.
var lockFile = "/tmp/ziping-browsertest-apt.lock"

// installTimeout bounds apt-get update and install together.
const installTimeout = 10 * time.Minute

// findChromium returns the path of chromium. When it is missing, the process runs
// as root and apt-get exists, it installs Debian's package first.
func findChromium(log io.Writer) (string, error) {
	if p := lookChromium(); p != "" {
		return p, nil
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		return "", errors.New("chromium is not installed (apt-get install chromium, or run the tests as root to have them install it)")
	}
	if err := install(apt, log); err != nil {
		return "", fmt.Errorf("chromium is not installed and installing it failed: %w", err)
	}
	if p := lookChromium(); p != "" {
		return p, nil
	}
	return "", errors.New("chromium is not installed, and apt-get install chromium did not install it")
}

func lookChromium() string {
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// install runs apt-get update and apt-get install -y chromium, holding the lock
// file; another test binary that held it may have installed chromium meanwhile.
func install(apt string, log io.Writer) error {
	unlock, err := lock(lockFile)
	if err != nil {
		return err
	}
	defer unlock()
	if lookChromium() != "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	start := time.Now()
	for _, args := range [][]string{{"update"}, {"install", "-y", "chromium"}} {
		cmd := exec.CommandContext(ctx, apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %s: %w\n%s", args[0], err, tail(out, 2000))
		}
	}
	fmt.Fprintf(log, "browsertest: installed chromium with apt-get in %s\n", time.Since(start).Round(time.Second))
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
