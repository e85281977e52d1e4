//go:build !unix

package browsertest

import "errors"

func lock(path string) (unlock func(), err error) {
	return nil, errors.New("installing chromium is supported on Debian only")
}
