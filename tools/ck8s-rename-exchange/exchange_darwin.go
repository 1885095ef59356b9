package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

func exchange(a, b string) error {
	return unix.RenamexNp(a, b, unix.RENAME_SWAP)
}

func errnoName(errno syscall.Errno) string { return unix.ErrnoName(errno) }

// ENOTSUP: the volume cannot swap (e.g. HFS+ or a network volume).
func unsupported(errno syscall.Errno) bool {
	return errno == unix.ENOTSUP || errno == unix.EINVAL || errno == unix.ENOSYS
}
