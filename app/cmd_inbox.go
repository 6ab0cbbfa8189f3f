package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// runInbox is `powerwatch inbox list|retry ID…|export FILE`.
func runInbox(e *env, args []string) error {
	fs := newFlags(e, "inbox", "list | retry ID… | retry --all | export FILE  [--db PATH]")
	data := addDataFlags(fs)
	all := fs.Bool("all", false, "retry every set-aside upload / 重试全部")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("want list, retry ID… or export FILE")
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	printNotices(e, db)
	if err := db.OpenInbox(e.ctx); err != nil {
		if errors.Is(err, sqlite.ErrInboxBusy) {
			return fmt.Errorf("%w; use 设置 → 搁置的上传 in the running app / 请在运行中的程序的“设置”中处理", err)
		}
		return err
	}
	switch pos[0] {
	case "list":
		return inboxList(e, db)
	case "retry":
		return inboxRetry(e, db, pos[1:], *all)
	case "export":
		if len(pos) != 2 {
			return usagef("want export FILE")
		}
		return inboxExport(e, db, pos[1])
	}
	return usagef("unknown inbox action %q: want list, retry or export", pos[0])
}

func inboxList(e *env, db *sqlite.DB) error {
	fs, err := db.InboxFailed(e.ctx)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		fmt.Fprintln(e.stdout, "没有搁置的上传 / no uploads set aside")
		return nil
	}
	for _, f := range fs {
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%d packets\t%s\n", f.ID, f.FailedAt.In(store.Beijing).Format(time.DateTime), f.MN, f.Packets, f.Error)
	}
	return nil
}

func inboxRetry(e *env, db *sqlite.DB, ids []string, all bool) error {
	if all {
		fs, err := db.InboxFailed(e.ctx)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, f := range fs {
			ids = append(ids, strconv.FormatInt(f.ID, 10))
		}
	}
	if len(ids) == 0 {
		return usagef("want retry ID… or retry --all")
	}
	var errs []error
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return usagef("retry %q: an ID is a number from `powerwatch inbox list`", s)
		}
		b, res, err := db.RetryInboxFailed(e.ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(e.stdout, "%d: %d packets moved in (%d new)\n", id, len(b.Packets), res.NewPackets)
	}
	return errors.Join(errs...)
}

func inboxExport(e *env, db *sqlite.DB, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export set-aside uploads: %w", err)
	}
	if err := service.WriteInboxFailed(e.ctx, db, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export set-aside uploads to %s: %w", path, err)
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}

// printNotices writes what opening the database had to work around.
func printNotices(e *env, db *sqlite.DB) {
	for _, n := range db.Notices() {
		fmt.Fprintln(e.stderr, "注意 / note:", n)
	}
}
