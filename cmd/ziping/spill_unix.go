//go:build unix

package main

import "syscall"

// mapMemory maps n bytes of anonymous memory; pages take memory only once written.
// Without it (the mapping refused) the spill goes to its file from the start.
func mapMemory(n int) ([]byte, func()) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil
	}
	hugePages(b)
	return b, func() { syscall.Munmap(b) }
}
