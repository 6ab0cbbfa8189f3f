package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"powerwatch/store"
)

// What goes wrong at start is said in words, in Chinese and English, not as
// SQLite's "disk I/O error (4874)": the officer must know whether to free
// disk space, fix the folder's permissions or restore a backup.

// sqliteHeader begins every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkFile refuses, before SQLite touches it, a file at path that cannot be
// a powerwatch database: a folder, an empty file (an interrupted copy, a
// failed disk: SQLite would silently start an empty database in it) or a
// file of another kind. A path that does not exist is fine: a new database.
func checkFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return explainOpen(path, err)
	case st.IsDir():
		return fmt.Errorf("open %s: %w: 这是一个文件夹，不是数据库文件 / this is a folder, not a database file", path, store.ErrCorrupt)
	case st.Size() == 0 && isDiskFull(probeDir(filepath.Dir(path))):
		return diskFull(path, errors.New("an empty database file on a full disk"))
	case st.Size() == 0:
		return fmt.Errorf("open %s: %w: 数据库文件为空（0 字节），可能是复制中断或磁盘故障；请恢复最新备份（见 README），或删除此文件以新建数据库 / "+
			"the database file is empty (0 bytes), perhaps an interrupted copy or a disk failure: restore the newest backup (README), or delete the file to start a new database",
			path, store.ErrCorrupt)
	}
	f, err := os.Open(path)
	if err != nil {
		return explainOpen(path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("open %s: %w: 这不是 powerwatch 数据库（不是 SQLite 文件），请检查 --db 路径 / "+
			"this is not a powerwatch database (not an SQLite file): check the --db path", path, store.ErrCorrupt)
	}
	return nil
}

// checkForeign refuses an SQLite database of another program: tables but no
// migration log. Migrating it would mix powerwatch's tables into it.
func (db *DB) checkForeign(ctx context.Context) error {
	var tables, ours int
	err := db.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_master WHERE type = 'table'`).Scan(&tables, &ours)
	if err != nil {
		return explainOpen(db.path, err)
	}
	if tables > 0 && ours == 0 {
		return fmt.Errorf("open %s: %w: 这是其他程序的 SQLite 数据库，不是 powerwatch 数据库，请检查 --db 路径 / "+
			"this is another program's SQLite database, not a powerwatch one: check the --db path", db.path, store.ErrCorrupt)
	}
	return nil
}

// ExplainStart is explainOpen for what a start writes next to the database
// at path (its log folder): a full disk or a read-only folder in words.
func ExplainStart(path string, err error) error { return explainOpen(path, err) }

// explainOpen turns an error met while opening the database at path into
// one that says what to do: a full disk and a read-only file or folder wrap
// store.ErrReadOnly with words; anything else is returned as it was.
func explainOpen(path string, err error) error {
	return explainWith(path, err, probeDir)
}

func explainWith(path string, err error, probe func(dir string) error) error {
	if err == nil {
		return nil
	}
	var coded interface{ Code() int }
	code := -1
	if errors.As(err, &coded) {
		code = coded.Code() & 0xff
	}
	switch {
	case isDiskFull(err) || code == 13: // SQLITE_FULL
		return diskFull(path, err)
	case isReadOnlyFS(err) || errors.Is(err, fs.ErrPermission) || code == 8: // SQLITE_READONLY
		return readOnly(path, err)
	case code == 10 || code == 14: // SQLITE_IOERR, SQLITE_CANTOPEN: find out why
		switch perr := probe(filepath.Dir(path)); {
		case isDiskFull(perr):
			return diskFull(path, err)
		case isReadOnlyFS(perr) || errors.Is(perr, fs.ErrPermission):
			return readOnly(path, err)
		}
	}
	return err
}

func diskFull(path string, err error) error {
	return fmt.Errorf("open %s: %w: 磁盘已满：数据库所在磁盘没有剩余空间，请清理磁盘后重新启动；已确认的数据不会丢失 / "+
		"the disk holding the database is full: free some space and start again; nothing acknowledged is lost (%v)", path, store.ErrReadOnly, err)
}

func readOnly(path string, err error) error {
	return fmt.Errorf("open %s: %w: 数据库文件或其所在文件夹只读，请检查文件属性和文件夹权限（或把数据库放到可写的文件夹）/ "+
		"the database file or its folder is read-only: check the file's attributes and the folder's permissions, or move the database to a writable folder (%v)",
		path, store.ErrReadOnly, err)
}

// probeDir writes and syncs a small file in dir, as SQLite would at open: a
// full disk or a read-only folder shows as the error.
func probeDir(dir string) error {
	f, err := os.CreateTemp(dir, ".powerwatch-probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Write(make([]byte, 64<<10)); err != nil {
		return err
	}
	return f.Sync()
}

// removeIfEmptyNew deletes the file at path when it did not exist before the
// open that failed (existed false) and is still empty: a failed first start
// (a full disk) must not leave a 0-byte file that the next start refuses.
func removeIfEmptyNew(path string, existed bool) {
	if existed {
		return
	}
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
