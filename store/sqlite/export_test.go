package sqlite

// SetCrashAt makes db behave, at the crash points for which f returns true,
// as if the process died there (see crashed). For the crash tests only.
func SetCrashAt(db *DB, f func(point string) bool) { db.crashAt = f }
