package web

import (
	"bytes"
	"image/png"
	"testing"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// matrixOf is the library's module matrix of a URL at the level qrPNG uses.
type matrixOf struct{ bits [][]bool }

func (m *matrixOf) Write(mat qrcode.Matrix) error { m.bits = mat.Bitmap(); return nil }
func (m *matrixOf) Close() error                  { return nil }

// TestQRPNG reads the PNG back: size×size, a white border of at least four modules,
// and at the centre of every module the colour of the QR matrix of the URL, so that
// a phone reading the printed code reads the link; the bytes are the same each time.
func TestQRPNG(t *testing.T) {
	const u, size = "https://ziping.example.cn/s/3f9a1c0d2b7e4a65", 512
	data, err := qrPNG(u, size)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := qrPNG(u, size)
	if !bytes.Equal(data, again) {
		t.Error("the same URL gave different PNG bytes")
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Fatalf("image %v, want %d×%d", b, size, size)
	}
	qr, err := qrcode.NewWith(u, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		t.Fatal(err)
	}
	var m matrixOf
	if err := qr.Save(&m); err != nil {
		t.Fatal(err)
	}
	n := len(m.bits)
	scale := size / (n + 2*qrQuiet)
	off := (size - scale*n) / 2
	if off < qrQuiet*scale {
		t.Errorf("border %d px, want at least %d (four modules)", off, qrQuiet*scale)
	}
	dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
	for y := range n {
		for x := range n {
			if got := dark(off+x*scale+scale/2, off+y*scale+scale/2); got != m.bits[y][x] {
				t.Fatalf("module (%d,%d) dark=%v in the PNG, %v in the matrix", x, y, got, m.bits[y][x])
			}
		}
	}
	for _, p := range [][2]int{{0, 0}, {size - 1, size - 1}, {off - 1, off}, {off, off - 1}} {
		if dark(p[0], p[1]) {
			t.Errorf("pixel %v of the border is dark", p)
		}
	}
	if !m.bits[0][0] || !m.bits[0][6] || !m.bits[6][0] || m.bits[1][1] {
		t.Error("the matrix lacks the top-left finder pattern: not a QR code")
	}
	if _, err := qrPNG(u, 20); err == nil {
		t.Error("20 pixels for a code of more modules: want an error")
	}
}
