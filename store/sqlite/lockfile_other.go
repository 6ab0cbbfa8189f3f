//go:build !unix && !windows

package sqlite

import (
	"errors"
	"os"
	"syscall"
)

// tryLock does nothing where neither flock nor LockFileEx exists; the
// inbox file's own lock still keeps two services on one path apart.
func tryLock(*os.File) error { return nil }

func isDiskFull(err error) bool   { return errors.Is(err, syscall.ENOSPC) }
func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
