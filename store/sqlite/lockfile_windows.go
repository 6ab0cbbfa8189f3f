//go:build windows

package sqlite

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffset is a byte far beyond SQLite's lock bytes (at 1 GB) and any
// data, so the lock never blocks SQLite's reads and writes: Windows locks
// are mandatory for the bytes they cover.
const lockOffset = 0x7fff_ff00

// tryLock takes an exclusive lock on one byte of f without waiting.
// LockFileEx locks the file, whatever path or alias opened it.
func tryLock(f *os.File) error {
	ol := new(windows.Overlapped)
	ol.Offset, ol.OffsetHigh = lockOffset, 0x7fff_ffff
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errLocked
	}
	return err
}

// isDiskFull and isReadOnlyFS recognise the system's errors for a full disk
// and a write-protected medium (open_errors.go).
func isDiskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
func isReadOnlyFS(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }
