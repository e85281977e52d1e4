package main

import (
	"bufio"
	"os"
	"slices"
	"unsafe"
)

// spillMemory is how many bytes of encoded results a ranking keeps in memory before
// it writes the rest to a temporary file. The JSON of the nation's 2,844 counties
// (yzjh-2017) is about 80 MB.
const spillMemory = 128 << 20

// spill holds encoded results until their order is known: the first results in
// memory outside the Go heap (up to a budget, mapped and unmapped as a whole, so
// that the collector neither scans it nor lets garbage grow by its size), the rest in
// a temporary file. Writing a new file cost more here than the evaluation whose
// results it held: every page of a fresh file is fresh memory of the page cache,
// reached through a system call.
type spill struct {
	mem   []byte // mapped; len is what is used
	unmap func()
	file  *os.File
	w     *bufio.Writer
	off   int64 // bytes in the file

	scratch []byte // what get read from the file
}

// spillSpan is where put left one result.
type spillSpan struct {
	inMem bool
	off   int64
	n     int
}

func newSpill(budget int) *spill {
	s := &spill{}
	s.mem, s.unmap = mapMemory(budget)
	s.mem = s.mem[:0]
	return s
}

// put stores b and says where.
func (s *spill) put(b []byte) (spillSpan, error) {
	if len(s.mem)+len(b) <= cap(s.mem) {
		sp := spillSpan{inMem: true, off: int64(len(s.mem)), n: len(b)}
		s.mem = append(s.mem, b...)
		return sp, nil
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "ziping-evaluate-*.json")
		if err != nil {
			return spillSpan{}, err
		}
		s.file, s.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	sp := spillSpan{off: s.off, n: len(b)}
	n, err := s.w.Write(b)
	s.off += int64(n)
	return sp, err
}

// done ends the puts.
func (s *spill) done() error {
	if s.w == nil {
		return nil
	}
	return s.w.Flush()
}

// get returns the bytes at sp, valid until the next get.
func (s *spill) get(sp spillSpan) ([]byte, error) {
	if sp.inMem {
		return s.mem[sp.off : sp.off+int64(sp.n)], nil
	}
	s.scratch = slices.Grow(s.scratch[:0], sp.n)[:sp.n]
	_, err := s.file.ReadAt(s.scratch, sp.off)
	return s.scratch, err
}

// close frees the memory and removes the file.
func (s *spill) close() {
	s.mem = nil
	if s.unmap != nil {
		s.unmap()
	}
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

// processFloats allocates n zeroed float64s for the numeric columns of a data file
// read by a command that exits when done: mapped memory in huge pages where the
// kernel gives them, never unmapped (the process's end gives it back). Small
// tables, and a refused mapping, take the Go heap.
func processFloats(n int) []float64 {
	if n < mappedFloatsMin {
		return make([]float64, n)
	}
	b, _ := mapMemory(n * 8)
	if b == nil {
		return make([]float64, n)
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// mappedFloatsMin: below 8 MiB of numbers the heap serves as well.
const mappedFloatsMin = 1 << 20
