//go:build linux && cgo

package app

/*
#include <malloc.h>
*/
import "C"

import "runtime/debug"

// releaseMemory gives the memory freed since the last collection back to
// the system: the Go heap's, and C's (SQLite's page caches and statements
// are malloc'd, in glibc's per-thread arenas, which keep what a burst
// freed until trimmed).
func releaseMemory() {
	debug.FreeOSMemory()
	C.malloc_trim(0)
}
