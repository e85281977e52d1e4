//go:build unix && !linux

package main

// hugePages: only Linux is asked for huge pages.
func hugePages([]byte) {}
