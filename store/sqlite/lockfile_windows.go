//go:build windows

package sqlite

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// Windows error codes used here (winerror.h).
const (
	errorWriteProtect     syscall.Errno = 19
	errorLockViolation    syscall.Errno = 33
	errorHandleDiskFull   syscall.Errno = 39
	errorDiskFull         syscall.Errno = 112
	errorIOPending        syscall.Errno = 997
	lockfileFailImmediate               = 0x1
	lockfileExclusiveLock               = 0x2
)

// lockFileEx is kernel32's LockFileEx, through syscall so that store/sqlite
// needs no module beyond the driver.
var lockFileEx = syscall.NewLazyDLL("kernel32.dll").NewProc("LockFileEx")

// tryLock takes an exclusive lock on one byte of f without waiting, at an
// offset far beyond SQLite's lock bytes (at 1 GB) and any data, so it never
// blocks SQLite's reads and writes: Windows locks are mandatory for the
// bytes they cover. LockFileEx locks the file, whatever path or alias
// opened it.
func tryLock(f *os.File) error {
	var ol syscall.Overlapped
	ol.Offset, ol.OffsetHigh = 0x7fff_ff00, 0x7fff_ffff
	r, _, err := lockFileEx.Call(f.Fd(), lockfileExclusiveLock|lockfileFailImmediate, 0, 1, 0, uintptr(unsafe.Pointer(&ol)))
	if r != 0 {
		return nil
	}
	if errors.Is(err, errorLockViolation) || errors.Is(err, errorIOPending) {
		return errLocked
	}
	return err
}

// isDiskFull and isReadOnlyFS recognise the system's errors for a full disk
// and a write-protected medium (open_errors.go).
func isDiskFull(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull)
}
func isReadOnlyFS(err error) bool { return errors.Is(err, errorWriteProtect) }
