//go:build unix

package sqlite

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting. flock locks the
// open file (its inode), whatever path opened it, and Linux keeps it apart
// from the fcntl locks SQLite uses, so it never blocks SQLite itself.
func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// isDiskFull and isReadOnlyFS recognise the system's errors for a full disk
// and a read-only file system (open_errors.go).
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
