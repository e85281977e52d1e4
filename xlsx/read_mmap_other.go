//go:build !unix

package xlsx

import "io"

// mapFile maps nothing where memory-mapped files are not supported: CSV files are
// read into memory.
func mapFile(io.ReaderAt, int64) ([]byte, func(), bool) { return nil, nil, false }
