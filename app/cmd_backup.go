package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/gen"
	"powerwatch/app/maintenance"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

func runBackup(e *env, args []string) error {
	fs := newFlags(e, "backup", "--to DIR [--incremental] [--prune] [--db PATH]")
	data := addDataFlags(fs)
	to := fs.String("to", "", "folder for the backup file / 备份目录")
	incremental := fs.Bool("incremental", false, "copy only what changed since the last backup in DIR, as the nightly job does (restore with powerwatch restore DIR/powerwatch-….pwbk) / 增量备份")
	prune := fs.Bool("prune", false, "then delete the older backups in DIR that the config's retention (7 daily, 4 weekly, 12 monthly) does not keep / 按保留策略清理旧备份")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *to == "" {
		return usagef("want --to DIR and no other argument")
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	printNotices(e, db)
	// The copy is checked (quick_check) before anything is pruned; a bad copy is removed.
	keep := maintenance.Retention{Daily: math.MaxInt}
	if *prune {
		cfg, err := loadServeConfig(afero.NewOsFs(), data, "")
		if err != nil {
			return err
		}
		keep = cfg.Retention()
	}
	var res maintenance.BackupResult
	if *incremental {
		res, err = maintenance.BackupIncremental(e.ctx, db, sqlite.CheckBackup, afero.NewOsFs(), *to, keep)
	} else {
		res, err = maintenance.Backup(e.ctx, db, sqlite.CheckFile, afero.NewOsFs(), *to, keep)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, res.Path)
	for _, r := range res.Removed {
		fmt.Fprintln(e.stderr, "removed old backup", r)
	}
	return nil
}

// runRestore puts a backup file back in place of the database (sqlite.Restore).
func runRestore(e *env, args []string) error {
	fs := newFlags(e, "restore", "BACKUP [--db PATH]")
	data := addDataFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one BACKUP file (e.g. backups/powerwatch-20261128-020000.db)")
	}
	path := data.path()
	res, err := sqlite.Restore(e.ctx, pos[0], path)
	if err != nil {
		return err
	}
	for _, n := range res.Notices {
		fmt.Fprintln(e.stderr, n)
	}
	if res.Aside != "" {
		fmt.Fprintf(e.stdout, "restored %s into %s; the replaced database was kept as %s\n", pos[0], path, res.Aside)
	} else {
		fmt.Fprintf(e.stdout, "restored %s into %s\n", pos[0], path)
	}
	return nil
}

func runGen(e *env, args []string) error {
	fs := newFlags(e, "gen", "--db PATH [--points N] [--days N] [--end DATE] [--seed N] [--raw] [--hot]")
	data := addDataFlags(fs)
	points := fs.Int("points", 2000, "monitoring points / 监测点数")
	days := fs.Int("days", 365, "days of 5-minute readings / 天数")
	end := fs.String("end", "", "readings stop before this Beijing day (default: today) / 截止日期")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same district")
	raw := fs.Bool("raw", false, "also store the raw HJ 212 frames (slower) / 同时生成原始报文")
	hot := fs.Bool("hot", false, "leave the readings unpacked in the live tier")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || data.db == "" || *points <= 0 || *days <= 0 {
		return usagef("want --db PATH (a new file), positive --points and --days")
	}
	cfg := gen.Config{Points: *points, Days: *days, Seed: *seed, Raw: *raw, Hot: *hot,
		Progress: func(done, total int) { fmt.Fprintf(e.stderr, "\r%d / %d days", done, total) }}
	if *end != "" {
		if cfg.End, err = store.ParseLocalTime(*end); err != nil {
			return usagef("--end: %v", err)
		}
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	started := time.Now()
	sum, err := gen.Generate(e.ctx, db, cfg)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "generated %d enterprises, %d terminals, %d points; %s – %s: %d readings, %d packets, %d violations, in %s\n",
		sum.Enterprises, sum.Terminals, sum.Points, sum.From.Format(time.DateOnly), sum.To.Format(time.DateOnly),
		sum.Samples, sum.Packets, len(sum.Violations), time.Since(started).Round(time.Second))
	return nil
}

// backupDesk is 设置's 备份与恢复 (ui.Backups) on the running desktop service:
// the backups in the nightly job's folder, and restoring one in place of
// the service's database.
type backupDesk struct {
	m       *service.Main
	restart *atomic.Bool // set once a backup was put back: the app starts again
}

// backupFolder is the nightly job's folder: maintenance.backup_dir, else
// backups/ next to the database (as service.Main's backup job).
func backupFolder(cfg service.Config) string {
	if d := cfg.Maintenance.BackupDir; d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(cfg.DB), "backups")
}

// ListBackups lists the restorable backups of the folder, newest first: the
// nights of the incremental backups (their own record's size; the newest
// also counts the folder's image) and full copies.
func (b backupDesk) ListBackups(ctx context.Context) ([]ui.BackupInfo, error) {
	return listBackups(backupFolder(b.m.Config))
}

func listBackups(dir string) ([]ui.BackupInfo, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups in %s: %w", dir, err)
	}
	var out []ui.BackupInfo
	newestRecord := -1
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, "powerwatch-") || !(strings.HasSuffix(n, ".pwbk") || strings.HasSuffix(n, ".db")) {
			continue
		}
		at, err := time.ParseInLocation("20060102-150405", strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(n, "powerwatch-"), ".pwbk"), ".db"), store.Beijing)
		if err != nil {
			continue // powerwatch-current.db, the image, is no backup of its own
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, ui.BackupInfo{Name: n, Taken: at, Size: fi.Size()})
		if strings.HasSuffix(n, ".pwbk") && (newestRecord < 0 || n > out[newestRecord].Name) {
			newestRecord = len(out) - 1
		}
	}
	if newestRecord >= 0 {
		if fi, err := os.Stat(filepath.Join(dir, "powerwatch-current.db")); err == nil {
			out[newestRecord].Size += fi.Size()
		}
	}
	slices.SortFunc(out, func(a, b ui.BackupInfo) int { return b.Taken.Compare(a.Taken) })
	return out, nil
}

// RestoreBackup stops the service — listener, alarm engine, schedules and
// the database, so that nothing is written any more — and puts the backup
// back with sqlite.Restore (the inbox drained into the current file, which
// is kept aside). The service is not started again on the old handles: the
// app quits after telling the officer and starts anew on the restored file.
func (b backupDesk) RestoreBackup(ctx context.Context, name string) (string, error) {
	if name != filepath.Base(name) || !strings.HasPrefix(name, "powerwatch-") {
		return "", fmt.Errorf("restore %q: %w: not a backup of the backup folder", name, store.ErrInvalid)
	}
	path := filepath.Join(backupFolder(b.m.Config), name)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("restore %s: %w", name, err)
	}
	if err := b.m.Close(); err != nil {
		b.m.Logger.Warn("stop the service for a restore", "err", err)
	}
	b.restart.Store(true) // the service is stopped either way: the app starts again
	res, err := sqlite.Restore(ctx, path, b.m.Config.DB)
	for _, n := range res.Notices {
		b.m.Logger.Info("restore", "notice", n)
	}
	if err != nil {
		return "", err
	}
	b.m.Logger.Info("restored a backup", "backup", path, "aside", res.Aside)
	return res.Aside, nil
}

// relaunch starts the desktop app again (after a restore), detached.
func relaunch() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("start again after the restore: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start again after the restore: %w", err)
	}
	return cmd.Process.Release()
}
