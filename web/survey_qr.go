package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// qrQuiet is the white border around a QR code, in modules: ISO/IEC 18004 asks
// for four, and phones read a printed code more surely with it.
const qrQuiet = 4

// qrPNG is the QR code of a URL as a size×size PNG, black on white, medium error
// correction (a printed sheet may be creased). The same URL always gives the same
// bytes.
func qrPNG(u string, size int) ([]byte, error) {
	qr, err := qrcode.NewWith(u, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	w := &qrImage{size: size}
	if err := qr.Save(w); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return w.png, nil
}

// qrImage is the library's Writer: it draws the module matrix as a PNG.
type qrImage struct {
	size int
	png  []byte
}

func (w *qrImage) Write(mat qrcode.Matrix) error {
	bits := mat.Bitmap()
	modules := len(bits) + 2*qrQuiet
	scale := w.size / modules
	if scale < 1 {
		return fmt.Errorf("%d pixels cannot hold %d modules", w.size, modules)
	}
	// The modules are whole pixels; what is left over widens the white border.
	off := (w.size - scale*len(bits)) / 2
	img := image.NewPaletted(image.Rect(0, 0, w.size, w.size), color.Palette{color.White, color.Black})
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetColorIndex(off+x*scale+dx, off+y*scale+dy, 1)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		return err
	}
	w.png = b.Bytes()
	return nil
}

func (w *qrImage) Close() error { return nil }
