package ui

import "syscall"

// computerRoots are the drives Windows has (此电脑), asked from
// GetLogicalDrives rather than by opening A: to Z:, which would wake floppy
// and card readers.
func computerRoots() []string {
	mask, _, _ := syscall.NewLazyDLL("kernel32.dll").NewProc("GetLogicalDrives").Call()
	return drivesOf(uint32(mask))
}
