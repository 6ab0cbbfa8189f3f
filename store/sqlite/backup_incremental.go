package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"powerwatch/store"
)

// Incremental backups copy only the pages that changed since the last one.
// The backup folder holds one full image of the newest backup
// (powerwatch-current.db, an SQLite file that can be checked and opened
// as it is), the hash of each of its pages (powerwatch-current.pages), and
// one record per backup (powerwatch-YYYYMMDD-HHMMSS.pwbk). A record holds
// its state's page count and digest and the "undo" pages that turn the next
// newer backup's image back into its own; the newest record holds none.
// Pages are compared, not tables: whatever was rewritten since the last
// backup — a packed day merged with late data or split parts, a backfill, a
// registry edit — is found without a change log that every writer would have
// to keep, and nothing unchanged is copied. A night's backup reads the whole
// database once (inside one read transaction, through sqlite_dbpage, so the
// copy is consistent while ingest goes on) and writes about twice the pages
// that changed.
//
// Crash safety: the newest record's undo pages are written and synced before
// the image is changed, so a backup interrupted while writing the image is
// rolled back from them by the next run (recoverBackups).

const (
	currentImage  = "powerwatch-current.db"
	currentPages  = "powerwatch-current.pages"
	recordExt     = ".pwbk"
	recordMagic1  = "PWBK1\n" // undo pages stored as they are
	recordMagic   = "PWBK2\n" // undo pages deflated (backup_record.go)
	pagesMagic    = "PWPG1\n"
	backupLockNam = "powerwatch-backup.lock"
	pageHashLen   = 16
)

// backupRecord is a record's header.
type backupRecord struct {
	pageSize int
	pages    int64 // pages of this backup's state
	digest   [32]byte
	undo     int64 // undo pages that follow
}

const recordHeaderLen = len(recordMagic) + 4 + 8 + 32 + 8

func (r backupRecord) header() []byte {
	b := []byte(recordMagic)
	b = binary.BigEndian.AppendUint32(b, uint32(r.pageSize))
	b = binary.BigEndian.AppendUint64(b, uint64(r.pages))
	b = append(b, r.digest[:]...)
	return binary.BigEndian.AppendUint64(b, uint64(r.undo))
}

// readRecord reads and checks (trailing SHA-256) the record at path; with
// pages false only the header is read.
func readRecord(path string, withPages bool) (backupRecord, map[uint32][]byte, error) {
	var r backupRecord
	b, err := os.ReadFile(path)
	if err != nil {
		return r, nil, err
	}
	magic := ""
	if len(b) >= recordHeaderLen+32 {
		magic = string(b[:len(recordMagic)])
	}
	if magic != recordMagic && magic != recordMagic1 {
		return r, nil, fmt.Errorf("backup record %s: %w: not a powerwatch backup record", path, store.ErrCorrupt)
	}
	body, sum := b[:len(b)-32], b[len(b)-32:]
	if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) {
		return r, nil, fmt.Errorf("backup record %s: %w: checksum mismatch", path, store.ErrCorrupt)
	}
	h := body[len(recordMagic):]
	r.pageSize = int(binary.BigEndian.Uint32(h))
	r.pages = int64(binary.BigEndian.Uint64(h[4:]))
	copy(r.digest[:], h[12:44])
	r.undo = int64(binary.BigEndian.Uint64(h[44:]))
	bad := r.pageSize < 512 || r.pageSize > 65536 || r.undo < 0 || r.undo > int64(len(body))
	if magic == recordMagic1 {
		bad = bad || int64(len(body)) != int64(recordHeaderLen)+r.undo*int64(4+r.pageSize)
	}
	if bad {
		return r, nil, fmt.Errorf("backup record %s: %w: inconsistent header", path, store.ErrCorrupt)
	}
	if !withPages {
		return r, nil, nil
	}
	undo := make(map[uint32][]byte, r.undo)
	if magic == recordMagic1 {
		for p := body[recordHeaderLen:]; len(p) > 0; p = p[4+r.pageSize:] {
			undo[binary.BigEndian.Uint32(p)] = p[4 : 4+r.pageSize]
		}
		return r, undo, nil
	}
	if err := readUndoPages(body[recordHeaderLen:], r, undo); err != nil {
		return r, nil, fmt.Errorf("backup record %s: %w: %w", path, store.ErrCorrupt, err)
	}
	return r, undo, nil
}

// writeRecord writes r with undo pages (ascending page numbers, deflated)
// to path through a synced temporary file and a rename.
func writeRecord(path string, r backupRecord, undo map[uint32][]byte) error {
	r.undo = int64(len(undo))
	h := sha256.New()
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	_, err = bw.Write(r.header())
	if err == nil {
		err = writeUndoPages(bw, undo)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = f.Write(h.Sum(nil))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func mapsKeys(m map[uint32][]byte) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// records returns the names of the backup records in dir, oldest first (the
// names sort by time).
func records(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, "powerwatch-") && strings.HasSuffix(n, recordExt) && !e.IsDir() {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// BackupIncremental writes a backup of the database into dir, copying only
// the pages that changed since the newest backup there, checks it, and
// returns its record's path. The first backup into a folder copies every
// page.
func (db *DB) BackupIncremental(ctx context.Context, dir string) (string, error) {
	path, err := db.backupIncremental(ctx, dir)
	if err != nil {
		return "", fmt.Errorf("incremental backup into %s: %w", dir, err)
	}
	return path, nil
}

func (db *DB) backupIncremental(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lf, err := os.OpenFile(filepath.Join(dir, backupLockNam), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return "", err
	}
	defer lf.Close()
	if err := tryLock(lf); err != nil {
		return "", fmt.Errorf("another backup into this folder is running: %w", err)
	}
	name := "powerwatch-" + db.Now().In(store.Beijing).Format("20060102-150405") + recordExt
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return "", fmt.Errorf("%w: %s exists", store.ErrConflict, name)
	}
	newestPath, newest, ok, err := recoverBackups(dir)
	if err != nil {
		return "", err
	}
	if ok && filepath.Base(newestPath) >= name {
		return "", fmt.Errorf("%w: %s is newer than this backup", store.ErrConflict, filepath.Base(newestPath))
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return "", classify(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return "", classify(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	var pageSize int
	if err := conn.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return "", classify(err)
	}
	var old [][pageHashLen]byte
	if ok && newest.pageSize == pageSize {
		if old, err = loadPages(dir, newest); err != nil {
			return "", err
		}
	} else {
		ok = false // a first backup, or a page size changed by VACUUM: a new image
	}
	image := filepath.Join(dir, currentImage)
	var img *os.File
	if ok {
		img, err = os.OpenFile(image, os.O_RDWR, 0)
	} else {
		img, err = os.Create(image + ".tmp")
	}
	if err != nil {
		return "", err
	}
	defer img.Close()
	free, err := freeLeaves(ctx, conn, pageSize) // also starts the snapshot
	if err != nil {
		return "", fmt.Errorf("read the freelist: %w", err)
	}
	zero := make([]byte, pageSize)
	rows, err := conn.QueryContext(ctx, `SELECT pgno, data FROM sqlite_dbpage`)
	if err != nil {
		return "", classify(err)
	}
	var hs [][pageHashLen]byte
	undo := map[uint32][]byte{}
	redo := map[uint32][]byte{} // changed pages; a night's change fits in memory
	for rows.Next() {
		var pg uint32
		var raw sql.RawBytes // the driver's buffer: copied only when kept
		if err := rows.Scan(&pg, &raw); err != nil {
			rows.Close()
			return "", err
		}
		if int(pg) != len(hs)+1 || len(raw) != pageSize {
			rows.Close()
			return "", fmt.Errorf("page %d of the snapshot is out of order or %d bytes", pg, len(raw))
		}
		data := []byte(raw)
		if free[pg] {
			data = zero
		}
		h := pageHash(data)
		hs = append(hs, h)
		switch {
		case !ok:
			if _, err := img.Write(data); err != nil {
				rows.Close()
				return "", err
			}
		case int(pg) > len(old) || old[pg-1] != h:
			redo[pg] = bytes.Clone(data)
			if int(pg) <= len(old) {
				prev := make([]byte, pageSize)
				if _, err := img.ReadAt(prev, int64(pg-1)*int64(pageSize)); err != nil {
					rows.Close()
					return "", err
				}
				undo[pg] = prev
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", classify(err)
	}
	conn.ExecContext(ctx, `ROLLBACK`)
	rec := backupRecord{pageSize: pageSize, pages: int64(len(hs)), digest: digestOf(hs)}
	if !ok {
		if err := img.Sync(); err != nil {
			return "", err
		}
		img.Close()
		if err := os.Rename(image+".tmp", image); err != nil {
			return "", err
		}
		if err := CheckFile(ctx, image); err != nil {
			return "", fmt.Errorf("the new backup image failed its check: %w", err)
		}
		// Older records belong to an image that is gone.
		names, _ := records(dir)
		for _, n := range names {
			os.Rename(filepath.Join(dir, n), filepath.Join(dir, n+".orphaned"))
		}
	} else {
		for pg := len(hs) + 1; pg <= len(old); pg++ { // the database shrank
			prev := make([]byte, pageSize)
			if _, err := img.ReadAt(prev, int64(pg-1)*int64(pageSize)); err != nil {
				return "", err
			}
			undo[uint32(pg)] = prev
		}
		if err := writeRecord(newestPath, newest, undo); err != nil {
			return "", err
		}
		for pg, data := range redo {
			if _, err := img.WriteAt(data, int64(pg-1)*int64(pageSize)); err != nil {
				return "", err
			}
		}
		if err := img.Truncate(rec.pages * int64(pageSize)); err != nil {
			return "", err
		}
		if err := img.Sync(); err != nil {
			return "", err
		}
		// Verified: every page written reads back with its snapshot's hash.
		buf := make([]byte, pageSize)
		for pg := range redo {
			if _, err := img.ReadAt(buf, int64(pg-1)*int64(pageSize)); err != nil || pageHash(buf) != hs[pg-1] {
				return "", fmt.Errorf("%w: page %d of the backup image reads back wrong", store.ErrCorrupt, pg)
			}
		}
	}
	if err := writeRecord(path, rec, nil); err != nil {
		return "", err
	}
	if err := writePages(dir, rec.digest, hs); err != nil {
		return "", err
	}
	return path, nil
}

// materializeBackup writes the state of the backup record at path into dst
// (created), from the folder's image and the undo pages of every newer
// record, and checks its digest.
func materializeBackup(path, dst string) error {
	dir, name := filepath.Split(path)
	names, err := records(dir)
	if err != nil {
		return err
	}
	i := slices.Index(names, name)
	if i < 0 {
		return fmt.Errorf("%s is not a backup record of %s", name, dir)
	}
	if err := copyFile(filepath.Join(dir, currentImage), dst); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	var want backupRecord
	for j := len(names) - 1; j >= i; j-- {
		r, undo, err := readRecord(filepath.Join(dir, names[j]), true)
		if err != nil {
			return err
		}
		if j == len(names)-1 && len(undo) > 0 {
			return fmt.Errorf("%s: an interrupted backup; run a backup into %s first to roll it back", names[j], dir)
		}
		if j < len(names)-1 {
			if err := applyUndo(f, r, undo); err != nil {
				return err
			}
		}
		want = r
	}
	hs, err := hashFile(dst, want.pageSize)
	if err != nil {
		return err
	}
	if digestOf(hs) != want.digest {
		return fmt.Errorf("%s: %w: the rebuilt backup does not match its record's digest", name, store.ErrCorrupt)
	}
	return nil
}

// DropBackup removes the backup record name from dir, keeping every other
// backup restorable: its undo pages are merged into the next older record
// (whose own pages win). The newest backup cannot be dropped.
func DropBackup(dir, name string) error {
	names, err := records(dir)
	if err != nil {
		return fmt.Errorf("drop backup %s: %w", name, err)
	}
	i := slices.Index(names, name)
	switch {
	case i < 0:
		return fmt.Errorf("drop backup %s: %w: no such backup record in %s", name, store.ErrNotFound, dir)
	case i == len(names)-1:
		return fmt.Errorf("drop backup %s: %w: the newest backup is kept", name, store.ErrConflict)
	}
	if i > 0 {
		_, undo, err := readRecord(filepath.Join(dir, name), true)
		if err != nil {
			return fmt.Errorf("drop backup %s: %w", name, err)
		}
		prevPath := filepath.Join(dir, names[i-1])
		prev, prevUndo, err := readRecord(prevPath, true)
		if err != nil {
			return fmt.Errorf("drop backup %s: %w", name, err)
		}
		for pg, data := range undo {
			if _, mine := prevUndo[pg]; !mine && int64(pg) <= prev.pages {
				prevUndo[pg] = data
			}
		}
		if err := writeRecord(prevPath, prev, prevUndo); err != nil {
			return fmt.Errorf("drop backup %s: merge into %s: %w", name, names[i-1], err)
		}
	}
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("drop backup %s: %w", name, err)
	}
	return nil
}

// DropBackup is the package's DropBackup, for maintenance.IncrementalBackuper.
func (db *DB) DropBackup(dir, name string) error { return DropBackup(dir, name) }

// CheckBackup checks a backup: a full copy (.db) with CheckFile; an
// incremental record with its checksum and, when it is its folder's newest,
// the folder's image against it: its size, and the page hashes of the
// snapshot it was written from, whose digest the record holds. The image's
// own SQLite check (quick_check, which reads every page of it) runs when
// BackupIncremental writes a new image and when a backup is restored; a
// night only changes the pages that changed, each read back against its
// hash as it is written, so that a district-year's nightly backup does not
// read the whole image a second time. Older records are checked when
// restored (their rebuilt state against their digest).
func CheckBackup(ctx context.Context, path string) error {
	if !strings.HasSuffix(path, recordExt) {
		return CheckFile(ctx, path)
	}
	r, _, err := readRecord(path, false)
	if err != nil {
		return err
	}
	dir, name := filepath.Split(path)
	names, err := records(dir)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(names) == 0 || names[len(names)-1] != name {
		return nil
	}
	fi, err := os.Stat(filepath.Join(dir, currentImage))
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if fi.Size() != r.pages*int64(r.pageSize) {
		return fmt.Errorf("check %s: %w: the image is %d bytes, its record says %d pages of %d", path, store.ErrCorrupt, fi.Size(), r.pages, r.pageSize)
	}
	if _, err := loadPages(dir, r); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	return nil
}
