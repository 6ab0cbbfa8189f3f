package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"powerwatch/store"
)

// RestoreResult is what Restore did.
type RestoreResult struct {
	Aside   string   // where the replaced database was kept ("" when there was none)
	Notices []string // what draining the inbox had to say (see Notices)
}

// ErrServiceRunning means a receiving service holds the database: it must be
// stopped before a backup is put back.
var ErrServiceRunning = errors.New("powerwatch 服务正在使用此数据库，请先退出程序（托盘菜单 → 退出）或停止 serve / " +
	"a powerwatch service is using this database: quit the app (tray menu → 退出) or stop serve first")

// Restore puts the backup at backup — a copy written by Backup, or a record
// written by BackupIncremental, rebuilt from its folder — in place of the
// database at path, safely:
//
//   - it refuses while a service holds the database (the receiver's file
//     lock, lock.go), since that service would keep writing into the file
//     being replaced;
//   - the backup is copied next to the database and checked (quick_check)
//     before anything is touched;
//   - the inbox is drained first: the current database is opened, which moves
//     every acknowledged upload still in its inbox into it, so that the
//     database kept aside holds everything that was received and the
//     restored one starts with an empty inbox and holds the data exactly as
//     at the backup. A current file that cannot be opened (the usual reason
//     to restore) cannot take them: its inbox then stays and is moved into
//     the restored file, so nothing acknowledged is dropped;
//   - the current file (with its -wal) is renamed aside, to
//     <path>.before-restore-YYYYMMDD-HHMMSS, never deleted;
//   - the restored file is opened once, which applies newer migrations.
func Restore(ctx context.Context, backup, path string) (RestoreResult, error) {
	var res RestoreResult
	incremental := strings.HasSuffix(backup, recordExt)
	if !incremental {
		if err := checkFile(backup); err != nil {
			return res, fmt.Errorf("restore %s: %w", backup, err)
		}
	}
	if _, err := os.Stat(backup); err != nil {
		return res, fmt.Errorf("restore %s: %w", backup, err)
	}
	current := exists(path)
	if current {
		lock, err := lockDatabase(path)
		if errors.Is(err, ErrInboxBusy) {
			return res, fmt.Errorf("restore %s: %w", backup, ErrServiceRunning)
		}
		if err != nil {
			return res, fmt.Errorf("restore %s: %w", backup, err)
		}
		lock.close() // Open below takes it again to drain the inbox
	}
	stamp := time.Now().In(store.Beijing).Format("20060102-150405")
	tmp := path + ".restoring"
	put := copyFile
	if incremental {
		put = materializeBackup // the folder's image with the newer records' undo pages
	}
	if err := put(backup, tmp); err != nil {
		os.Remove(tmp)
		return res, fmt.Errorf("restore %s: copy next to the database: %w", backup, err)
	}
	defer os.Remove(tmp) // gone once renamed; left only after a failure
	if err := CheckFile(ctx, tmp); err != nil {
		return res, fmt.Errorf("restore %s: the backup failed its check, nothing was changed: %w", backup, err)
	}
	if current {
		db, err := Open(ctx, path)
		if err == nil {
			res.Notices = append(res.Notices, db.Notices()...)
			if busy := db.inboxBusy(); busy {
				db.Close()
				return res, fmt.Errorf("restore %s: %w", backup, ErrServiceRunning)
			}
			err = db.Close()
		}
		if err != nil {
			res.Notices = append(res.Notices, fmt.Sprintf("当前数据库无法打开，收件箱中的上传将移入恢复后的数据库 / the current database could not be opened (%v); its inbox's uploads go into the restored one", err))
		}
		res.Aside = path + ".before-restore-" + stamp
		if err := os.Rename(path, res.Aside); err != nil {
			return res, fmt.Errorf("restore %s: keep the current database aside: %w", backup, err)
		}
		// The -wal belongs to the file it was written for: it goes aside
		// with it (SQLite finds it by name); the -shm is rebuilt.
		if err := os.Rename(path+"-wal", res.Aside+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("restore %s: keep the current database's -wal aside: %w", backup, err)
		}
		os.Remove(path + "-shm")
	}
	if err := os.Rename(tmp, path); err != nil {
		if res.Aside != "" {
			os.Rename(res.Aside, path) // put the current file back
			os.Rename(res.Aside+"-wal", path+"-wal")
			res.Aside = ""
		}
		return res, fmt.Errorf("restore %s: put the backup in place: %w", backup, err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		return res, fmt.Errorf("restore %s: open the restored database: %w", backup, err)
	}
	res.Notices = append(res.Notices, db.Notices()...)
	return res, db.Close()
}

// inboxBusy reports whether another process holds the inbox after Open: a
// service started between Restore's lock check and its Open.
func (db *DB) inboxBusy() bool {
	if _, err := os.Stat(db.inboxPath()); err != nil {
		return false
	}
	lock, err := lockDatabase(db.path)
	if err != nil {
		return errors.Is(err, ErrInboxBusy)
	}
	lock.close()
	return false
}

// copyFile copies src to dst (created or truncated) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
