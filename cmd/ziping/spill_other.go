//go:build !unix

package main

// mapMemory maps nothing where there is no mmap: the spill goes to its file.
func mapMemory(int) ([]byte, func()) { return nil, nil }
