package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

func errnoName(errno syscall.Errno) string { return unix.ErrnoName(errno) }

// EINVAL: the filesystem does not implement RENAME_EXCHANGE; ENOSYS: the kernel predates it (3.15).
func unsupported(errno syscall.Errno) bool {
	return errno == unix.EINVAL || errno == unix.ENOSYS || errno == unix.EOPNOTSUPP
}
