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

// cjkFont is a file of Debian's fonts-noto-cjk. Without a Chinese font chromium
// draws every character as a box, and the tests that measure where text falls (a
// unit name on one line, chart labels inside their chart) would measure boxes.
var cjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

// installTimeout bounds apt-get update and install together.
const installTimeout = 10 * time.Minute

// findChromium returns the path of chromium. When it (or the Chinese font) is
// missing, the process runs as root and apt-get exists, it installs Debian's
// packages first.
func findChromium(log io.Writer) (string, error) {
	if p := lookChromium(); p != "" && haveCJKFont() {
		return p, nil
	}
	if p := lookChromium(); p != "" && os.Geteuid() != 0 {
		return p, nil // no font and no way to install one: the pages still load
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

func haveCJKFont() bool {
	_, err := os.Stat(cjkFont)
	return err == nil
}

func lookChromium() string {
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// install runs apt-get update and apt-get install -y chromium fonts-noto-cjk,
// holding the lock file; another test binary that held it may have installed them
// meanwhile.
func install(apt string, log io.Writer) error {
	unlock, err := lock(lockFile)
	if err != nil {
		return err
	}
	defer unlock()
	if lookChromium() != "" && haveCJKFont() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	start := time.Now()
	for _, args := range [][]string{{"update"}, {"install", "-y", "chromium", "fonts-noto-cjk"}} {
		cmd := exec.CommandContext(ctx, apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %s: %w\n%s", args[0], err, tail(out, 2000))
		}
	}
	fmt.Fprintf(log, "browsertest: installed chromium and fonts-noto-cjk with apt-get in %s\n", time.Since(start).Round(time.Second))
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
