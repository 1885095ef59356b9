//go:build !linux && !darwin

package main

import "syscall"

func exchange(a, b string) error { return syscall.ENOSYS }

func errnoName(errno syscall.Errno) string { return "ENOSYS" }

func unsupported(errno syscall.Errno) bool { return true }
