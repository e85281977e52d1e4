package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"ziping"
	"ziping/loadtest"
	"ziping/synth"
	"ziping/xlsx"
)

// The import scenario of `bench web` (issue 9): while the virtual users load the
// pages, an admin imports a large workbook through the web, preview then confirm,
// again and again, and a prober signs in every half second. The pages' figures are
// then those of pages served during imports; the imports' and the sign-ins' own
// times are printed after them.

// benchImport is the workbook the scenario imports and what it measured.
type benchImport struct {
	data   []byte
	rows   int
	mu     sync.Mutex
	runs   []importTiming
	logins []time.Duration
	errs   []string
}

type importTiming struct {
	preview, confirm time.Duration
	upload           string // the upload's id
}

// newBenchImport generates a province of rows schools for the latest period of the
// bench province (other schools than its own: new counties, so that every row is
// written), as one workbook.
func newBenchImport(rows, period int) (*benchImport, error) {
	cfg := synth.Config{Counties: max(8, rows/200), Schools: rows, Seed: 2}
	if period > 0 {
		cfg.Periods = []int{period}
	}
	st, _ := synth.Generate(cfg)
	var b bytes.Buffer
	if err := xlsx.WriteXLSX(&b, []xlsx.Table{{Header: st.Header, Rows: st.Rows}}); err != nil {
		return nil, err
	}
	return &benchImport{data: b.Bytes(), rows: len(st.Rows)}, nil
}

// reset forgets what an earlier round measured.
func (bi *benchImport) reset() {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	bi.runs, bi.logins, bi.errs = nil, nil, nil
}

func (bi *benchImport) fail(err error) {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	if len(bi.errs) < 5 {
		bi.errs = append(bi.errs, err.Error())
	}
}

// run imports in a loop and probes the sign-in until ctx ends.
func (bi *benchImport) run(ctx context.Context, b *benchWeb, svc *services, admin *http.Cookie) {
	var wg sync.WaitGroup
	wg.Go(func() {
		sess, err := svc.Store.Session(ctx, ziping.TokenHash(admin.Value))
		if err != nil {
			bi.fail(err)
			return
		}
		for ctx.Err() == nil {
			t, err := b.importOnce(ctx, bi.data, admin, sess.CSRF, "/units/"+b.province)
			if err != nil && ctx.Err() == nil {
				bi.fail(err)
				return
			}
			bi.mu.Lock()
			bi.runs = append(bi.runs, t)
			bi.mu.Unlock()
		}
	})
	wg.Go(func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			if _, err := b.login(ctx, "bench-admin"); err != nil {
				if ctx.Err() == nil {
					bi.fail(fmt.Errorf("登录: %w", err))
				}
				continue
			}
			bi.mu.Lock()
			bi.logins = append(bi.logins, time.Since(t0))
			bi.mu.Unlock()
		}
	})
	wg.Wait()
}

var benchUploadRE = regexp.MustCompile(`name="upload" value="([0-9a-f]{32})"`)

// importOnce uploads the workbook for a preview at unit, then confirms it.
func (b *benchWeb) importOnce(ctx context.Context, data []byte, s *http.Cookie, csrf, unit string) (importTiming, error) {
	return b.importOnceNamed(ctx, data, "压测导入.xlsx", s, csrf, unit)
}

// importOnceNamed uploads a file of that name (its extension picks the reader) for
// a preview at unit, then confirms it.
func (b *benchWeb) importOnceNamed(ctx context.Context, data []byte, name string, s *http.Cookie, csrf, unit string) (importTiming, error) {
	var t importTiming
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	t0 := time.Now()
	page, status, err := b.send(ctx, unit+"/import", mw.FormDataContentType(), &body, s)
	t.preview = time.Since(t0)
	if err != nil {
		return t, err
	}
	m := benchUploadRE.FindSubmatch(page)
	if status != http.StatusOK || m == nil {
		return t, fmt.Errorf("预览: %d %.300s", status, page)
	}
	t.upload = string(m[1])
	form := url.Values{"csrf": {csrf}, "upload": {t.upload}}
	t0 = time.Now()
	page, status, err = b.send(ctx, unit+"/import/confirm", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), s)
	t.confirm = time.Since(t0)
	if err == nil && status != http.StatusSeeOther {
		err = fmt.Errorf("确认导入: %d %.300s", status, page)
	}
	return t, err
}

func (b *benchWeb) send(ctx context.Context, path, ctype string, body io.Reader, s *http.Cookie) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+path, body)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", ctype)
	req.AddCookie(s)
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	return page, resp.StatusCode, err
}

// write prints the imports' and the sign-ins' times.
func (bi *benchImport) write(w io.Writer) error {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	var pre, conf []time.Duration
	for _, r := range bi.runs {
		pre, conf = append(pre, r.preview), append(conf, r.confirm)
	}
	slices.Sort(pre)
	slices.Sort(conf)
	slices.Sort(bi.logins)
	fmt.Fprintf(w, "施压期间通过网页导入 %d 次，每次 %d 行学校数据：预览 p50 %v、最长 %v；确认导入 p50 %v、最长 %v\n", len(bi.runs), bi.rows,
		q(pre, 0.5), q(pre, 1), q(conf, 0.5), q(conf, 1))
	fmt.Fprintf(w, "导入期间登录 %d 次：p50 %v、p99 %v、最长 %v\n", len(bi.logins), q(bi.logins, 0.5), q(bi.logins, 0.99), q(bi.logins, 1))
	if len(bi.errs) > 0 {
		return fmt.Errorf("导入场景出错：%s", strings.Join(bi.errs, "；"))
	}
	if len(bi.runs) == 0 {
		return fmt.Errorf("施压期间没有一次导入完成")
	}
	return nil
}

func q(sorted []time.Duration, p float64) time.Duration {
	return loadtest.Quantile(sorted, p).Round(time.Millisecond)
}
