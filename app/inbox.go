package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// The uploads set aside in the inbox (inbox_failed): one terminal's uploads
// of a group commit that the tables refused, kept so that the others went in.
// The running service lists, retries and exports them for 设置; the CLI
// `powerwatch inbox` does the same when no service holds the inbox.

// InboxFailed lists the uploads set aside.
func (m *Main) InboxFailed(ctx context.Context) ([]store.InboxFailure, error) {
	return m.DB.InboxFailed(ctx)
}

// RetryInboxFailed moves set-aside upload id into the tables and tells the
// uplink relay and the alarm engine about it, as the indexer does.
func (m *Main) RetryInboxFailed(ctx context.Context, id int64) error {
	b, res, err := m.DB.RetryInboxFailed(ctx, id)
	if err != nil {
		return err
	}
	if m.indexer != nil {
		if m.indexer.queued != nil && len(res.OutboxIDs) > 0 {
			m.indexer.queued()
		}
		if m.indexer.after != nil {
			m.indexer.after(ctx, b, res)
		}
	}
	m.Logger.Info("set-aside uploads retried and moved in", "id", id, "packets", len(b.Packets), "new", res.NewPackets)
	return nil
}

// ExportInboxFailed writes every set-aside upload to w (exportInboxFailed).
func (m *Main) ExportInboxFailed(ctx context.Context, w io.Writer) error {
	return exportInboxFailed(ctx, m.DB, w)
}

// failedSource is what listing and exporting set-aside uploads needs.
type failedSource interface {
	InboxFailed(ctx context.Context) ([]store.InboxFailure, error)
	InboxFailedBatch(ctx context.Context, id int64) (*store.Batch, []byte, error)
}

// exportInboxFailed writes the set-aside uploads as text: per entry a "#"
// line with its id, terminal, time and error, then its frames exactly as
// received, one per line (CR LF), so that `powerwatch hj212 decode` reads
// them and a terminal simulator can send them again. A damaged entry is
// written as hex on a "#" line.
func exportInboxFailed(ctx context.Context, db failedSource, w io.Writer) error {
	fs, err := db.InboxFailed(ctx)
	if err != nil {
		return err
	}
	for _, f := range fs {
		fmt.Fprintf(w, "# id=%d entry=%d mn=%s packets=%d set_aside=%s error=%q\r\n", f.ID, f.Seq, f.MN, f.Packets,
			f.FailedAt.In(store.Beijing).Format(time.DateTime), f.Error)
		b, body, err := db.InboxFailedBatch(ctx, f.ID)
		if errors.Is(err, store.ErrInvalid) {
			fmt.Fprintf(w, "# damaged, body hex: %s\r\n", hex.EncodeToString(body))
			continue
		}
		if err != nil {
			return err
		}
		for _, p := range b.Packets {
			if _, err := fmt.Fprintf(w, "%s\r\n", p.Frame); err != nil {
				return fmt.Errorf("export set-aside uploads: %w", err)
			}
		}
	}
	return nil
}

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
	if err := exportInboxFailed(e.ctx, db, f); err != nil {
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
