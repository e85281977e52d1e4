package web

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qrPNG is the QR code of a URL as a PNG of size pixels (medium error correction:
// a printed sheet may be creased).
func qrPNG(u string, size int) ([]byte, error) {
	png, err := qrcode.Encode(u, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return png, nil
}
