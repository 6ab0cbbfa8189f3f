package main

import (
	"fmt"
	"math"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/gen"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
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
