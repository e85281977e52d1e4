package web

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

func TestZZShots(t *testing.T) {
	base := os.Getenv("SHOT_URL")
	if base == "" {
		t.Skip()
	}
	for _, vw := range widths {
		ctx := browsertest.Chrome(t)
		if vw.phone {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(vw.width, vw.height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		} else {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(vw.width, vw.height))
		}
		browsertest.Response(t, ctx, chromedp.Navigate(base+"/login"))
		browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("username"), os.Getenv("SHOT_USER")), chromedp.SendKeys(chromedp.ID("password"), os.Getenv("SHOT_PASS")))
		browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
		browsertest.Response(t, ctx, chromedp.Navigate(base+os.Getenv("SHOT_PATH")))
		for i, sel := range strings.Split(os.Getenv("SHOT_SEL"), ",") {
			if sel != "top" {
				browsertest.Run(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(sel)))
			}
			buf, _ := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			os.WriteFile(fmt.Sprintf("/tmp/demo11b/v-%s-%s-%d.png", os.Getenv("SHOT_NAME"), vw.name, i), buf, 0o644)
		}
	}
}
