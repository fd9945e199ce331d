//go:build !(linux && cgo)

package app

import "runtime/debug"

// releaseMemory gives the memory freed since the last collection back to
// the system.
func releaseMemory() { debug.FreeOSMemory() }
