package maintenance

import (
	"context"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/spf13/afero"

	"powerwatch/store"
)

// Backuper writes a consistent copy of the database into a folder of the real
// file system (SQLite's VACUUM INTO cannot write through afero) and returns
// the file's path. *sqlite.DB is one.
type Backuper interface {
	Backup(ctx context.Context, dir string) (string, error)
}

// Retention says how many backups to keep: the newest of each of the last
// Daily days, Weekly ISO weeks and Monthly months that have a backup (Beijing
// time). A file kept by any rule stays. Zero keeps none by that rule.
type Retention struct {
	Daily, Weekly, Monthly int
}

// DefaultRetention keeps 7 daily, 4 weekly and 12 monthly backups.
var DefaultRetention = Retention{Daily: 7, Weekly: 4, Monthly: 12}

const backupLayout = "20060102-150405"

// IncrementalExt ends the names of incremental backup records
// (powerwatch-YYYYMMDD-HHMMSS.pwbk, see IncrementalBackuper).
const IncrementalExt = ".pwbk"

// backupTime reads the Beijing time out of a backup's name
// (powerwatch-YYYYMMDD-HHMMSS.db, or .pwbk); ok is false for any other file.
func backupTime(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, "powerwatch-")
	if !ok {
		return time.Time{}, false
	}
	s, ok = strings.CutSuffix(s, ".db")
	if !ok {
		if s, ok = strings.CutSuffix(s, IncrementalExt); !ok {
			return time.Time{}, false
		}
	}
	t, err := time.ParseInLocation(backupLayout, s, store.Beijing)
	return t, err == nil
}

// Keep returns the names among names that r keeps. Names that are not
// backups are neither kept nor returned: Prune leaves them alone.
func (r Retention) Keep(names []string) []string {
	type bk struct {
		name string
		at   time.Time
	}
	var bs []bk
	for _, n := range names {
		if t, ok := backupTime(n); ok {
			bs = append(bs, bk{n, t})
		}
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].at.After(bs[j].at) })
	keep := map[string]bool{}
	rule := func(n int, bucket func(time.Time) string) {
		seen := map[string]bool{}
		for _, b := range bs {
			k := bucket(b.at)
			if seen[k] {
				continue
			}
			if len(seen) == n {
				return
			}
			seen[k] = true
			keep[b.name] = true // the newest of its bucket, as bs is newest first
		}
	}
	rule(r.Daily, func(t time.Time) string { return t.Format(time.DateOnly) })
	rule(r.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) })
	rule(r.Monthly, func(t time.Time) string { return t.Format("2006-01") })
	var out []string
	for _, b := range bs {
		if keep[b.name] {
			out = append(out, b.name)
		}
	}
	return out
}

// Prune removes the backups in dir that r does not keep and returns their
// names, oldest first. Other files in dir are left alone, and so are
// incremental records (PruneWith drops them).
func Prune(fsys afero.Fs, dir string, r Retention) ([]string, error) {
	return PruneWith(fsys, dir, r, nil)
}

// PruneWith is Prune that drops the incremental records r does not keep with
// drop, which keeps the other records restorable; with drop nil they stay.
func PruneWith(fsys afero.Fs, dir string, r Retention, drop func(name string) error) ([]string, error) {
	infos, err := afero.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("prune backups in %s: %w", dir, err)
	}
	var names []string
	for _, fi := range infos {
		if !fi.IsDir() {
			names = append(names, fi.Name())
		}
	}
	kept := map[string]bool{}
	for _, n := range r.Keep(names) {
		kept[n] = true
	}
	var removed []string
	for _, n := range names { // ReadDir sorts by name, which is by time for backups
		if _, ok := backupTime(n); !ok || kept[n] {
			continue
		}
		if strings.HasSuffix(n, IncrementalExt) {
			if drop == nil {
				continue
			}
			if err := drop(n); err != nil {
				return removed, fmt.Errorf("prune backups: %w", err)
			}
			removed = append(removed, n)
			continue
		}
		if err := fsys.Remove(path.Join(dir, n)); err != nil && !os.IsNotExist(err) {
			return removed, fmt.Errorf("prune backups: remove %s: %w", n, err)
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// BackupResult is what one backup run did.
type BackupResult struct {
	Path    string   // the file written
	Removed []string // older backups removed by retention
}

func (r BackupResult) String() string {
	if len(r.Removed) == 0 {
		return r.Path
	}
	return fmt.Sprintf("%s (removed %d old: %s)", r.Path, len(r.Removed), strings.Join(r.Removed, ", "))
}

// Backup writes one backup into dir, checks that it opens and passes
// quick_check, and then applies retention. A backup that fails its check is
// removed and nothing is pruned, so a bad night never costs a good old copy.
func Backup(ctx context.Context, db Backuper, check func(ctx context.Context, path string) error, fsys afero.Fs, dir string, r Retention) (BackupResult, error) {
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return BackupResult{}, fmt.Errorf("backup: create %s: %w", dir, err)
	}
	p, err := db.Backup(ctx, dir)
	if err != nil {
		return BackupResult{}, err
	}
	if check != nil {
		if err := check(ctx, p); err != nil {
			fsys.Remove(p)
			return BackupResult{}, fmt.Errorf("backup %s failed its check and was removed: %w", p, err)
		}
	}
	removed, err := Prune(fsys, dir, r)
	return BackupResult{Path: p, Removed: removed}, err
}

// IncrementalBackuper writes backups that copy only what changed since the
// last one into a folder (records named powerwatch-YYYYMMDD-HHMMSS.pwbk
// beside one full image of the newest), and drops a record while keeping
// the others restorable. *sqlite.DB is one.
type IncrementalBackuper interface {
	BackupIncremental(ctx context.Context, dir string) (string, error)
	DropBackup(dir, name string) error
}

// BackupIncremental is Backup with an incremental backup: the nightly job's.
// The record is checked (check), then retention drops the records it does
// not keep, merging each into the next older one; older full copies (.db)
// in dir are pruned as Backup prunes them.
func BackupIncremental(ctx context.Context, db IncrementalBackuper, check func(ctx context.Context, path string) error, fsys afero.Fs, dir string, r Retention) (BackupResult, error) {
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return BackupResult{}, fmt.Errorf("backup: create %s: %w", dir, err)
	}
	p, err := db.BackupIncremental(ctx, dir)
	if err != nil {
		return BackupResult{}, err
	}
	if check != nil {
		if err := check(ctx, p); err != nil {
			return BackupResult{}, fmt.Errorf("backup %s failed its check: %w", p, err)
		}
	}
	removed, err := PruneWith(fsys, dir, r, func(name string) error { return db.DropBackup(dir, name) })
	return BackupResult{Path: p, Removed: removed}, err
}
