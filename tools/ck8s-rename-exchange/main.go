// Command ck8s-rename-exchange swaps two paths in one system call, so a reader (or a crash) sees
// either the old or the new folder at each path, never a missing or half-moved one. Node has no
// binding for renameat2(RENAME_EXCHANGE) or renamex_np(RENAME_SWAP); the ck8s writer calls this.
//
// Usage: ck8s-rename-exchange <path-a> <path-b>
// Exit 0: swapped. Exit 1: the swap failed; stderr is "<errno name>: <message>".
// Exit 2: wrong usage. Exit 3: this system or filesystem cannot swap atomically.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ck8s-rename-exchange <path-a> <path-b>")
		os.Exit(2)
	}
	err := exchange(os.Args[1], os.Args[2])
	if err == nil {
		return
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		name := errnoName(errno)
		fmt.Fprintf(os.Stderr, "%s: %s\n", name, errno.Error())
		if unsupported(errno) {
			os.Exit(3)
		}
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "EUNKNOWN: %s\n", err)
	os.Exit(1)
}
