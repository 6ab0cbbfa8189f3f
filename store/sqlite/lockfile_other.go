//go:build !unix && !windows

package sqlite

import "os"

// tryLock does nothing where neither flock nor LockFileEx exists; the
// inbox file's own lock still keeps two services on one path apart.
func tryLock(*os.File) error { return nil }
