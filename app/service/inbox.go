package service

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"powerwatch/store"
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

// ExportInboxFailed writes every set-aside upload to w (WriteInboxFailed).
func (m *Main) ExportInboxFailed(ctx context.Context, w io.Writer) error {
	return WriteInboxFailed(ctx, m.DB, w)
}

// FailedSource is what listing and exporting set-aside uploads needs.
type FailedSource interface {
	InboxFailed(ctx context.Context) ([]store.InboxFailure, error)
	InboxFailedBatch(ctx context.Context, id int64) (*store.Batch, []byte, error)
}

// WriteInboxFailed writes the set-aside uploads as text: per entry a "#"
// line with its id, terminal, time and error, then its frames exactly as
// received, one per line (CR LF), so that `powerwatch hj212 decode` reads
// them and a terminal simulator can send them again. A damaged entry is
// written as hex on a "#" line.
func WriteInboxFailed(ctx context.Context, db FailedSource, w io.Writer) error {
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
