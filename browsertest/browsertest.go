// Package browsertest runs browser tests with chromedp against Debian's chromium.
//
// One headless browser serves a whole test binary: the first call of [Chrome]
// starts it (installing chromium with apt when it is missing and the tests run as
// root), every test gets a new tab in a browser context of its own (its own
// cookies), and [Main] closes the browser when the tests end:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
//	func TestLogin(t *testing.T) {
//		ctx := browsertest.Chrome(t)
//		resp := browsertest.Response(t, ctx, chromedp.Navigate(srv.URL+"/login"))
//		…
//	}
//
// Without chromium the tests skip, or fail when the environment variable CI is
// "true", so that a CI machine cannot pass by skipping them.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout is the time each test has with its tab, from its call of Chrome.
var Timeout = 60 * time.Second

// Width and Height are the size of the browser window.
const (
	Width  = 1280
	Height = 900
)

// browser is the one browser of the test binary.
var browser struct {
	once    sync.Once
	ctx     context.Context // a chromedp context with the running browser
	cancel  func()          // ends the browser and its allocator
	dataDir string
	path    string
	err     error // why there is no browser
	missing bool  // err is "chromium is not installed"
	log     strings.Builder
}

// Chrome returns the context of a new tab of the shared browser, in a fresh
// browser context (no cookies or storage shared with other tests), which ends
// after Timeout or when the test ends. When chromium cannot be found or
// installed the test is skipped, or fails under CI=true.
func Chrome(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(start)
	if browser.log.Len() > 0 {
		t.Log(strings.TrimSpace(browser.log.String()))
	}
	if browser.err != nil {
		if browser.missing && os.Getenv("CI") != "true" {
			t.Skipf("browser tests skipped: %v", browser.err)
		}
		if browser.missing {
			t.Fatalf("browser tests: %v (CI=true: the browser tests must run, so this fails rather than skips)", browser.err)
		}
		t.Fatalf("browser tests: %v", browser.err)
	}
	tab, cancelTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	// The first Do opens the tab; it must not run under the timeout context, whose
	// end would then close the tab early.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		t.Fatalf("browser tests: opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, Timeout)
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	return ctx
}

// Main runs the tests of a package and then closes the shared browser. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Close()
	os.Exit(code)
}

// Close ends the shared browser, if it runs, and removes its profile.
func Close() {
	browser.once.Do(func() { browser.err, browser.missing = fmt.Errorf("browser closed"), true })
	if browser.cancel != nil {
		browser.cancel()
		browser.cancel = nil
	}
	if browser.dataDir != "" {
		os.RemoveAll(browser.dataDir)
		browser.dataDir = ""
	}
}

// start finds (or installs) chromium and starts it.
func start() {
	path, err := findChromium(&browser.log)
	if err != nil {
		browser.err, browser.missing = err, true
		return
	}
	browser.path = path
	dir, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		browser.err = err
		return
	}
	browser.dataDir = dir
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), // the network is closed
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(Width, Height),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	browser.ctx = ctx
	browser.cancel = func() { cancelCtx(); cancelAlloc() }
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		err = fmt.Errorf("no answer in 30s")
	}
	if err != nil {
		browser.cancel()
		browser.cancel = nil
		browser.err = fmt.Errorf("starting %s: %w", path, err)
	}
}

// Run runs actions in the tab and fails the test with the page's address when one
// fails.
func Run(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v%s", err, where(ctx))
	}
}

// Response runs actions that load a page (a navigation, a click on a link or a
// submit button), waits until the page has loaded and returns the HTTP status of
// its document.
func Response(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) int {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("browser: %v%s", err, where(ctx))
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Text is the text of the first element that matches a CSS selector, once it is
// visible.
func Text(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("browser: text of %s: %v%s", css, err, where(ctx))
	}
	return strings.TrimSpace(s)
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browser: evaluating %s: %v%s", expr, err, where(ctx))
	}
	return v
}

// Screenshot writes a full-page PNG of the tab to path, making its directory.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v%s", err, where(ctx))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// where describes the page of the tab for an error message: its address and the
// start of its text. It must not block, so it has a short context of its own.
func where(ctx context.Context) string {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(c, chromedp.Location())
	if err != nil {
		return ""
	}
	text, _ := chromedp.Run(c, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if r := []rune(text); len(r) > 300 {
		text = string(r[:300]) + "…"
	}
	return fmt.Sprintf("\n\tpage %s:\n\t%s", loc, strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n\t"))
}
