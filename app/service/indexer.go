package service

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// indexGather is how long the indexer lets appended batches gather before it
// moves them: each move writes a page per point it touches (series, hour, day
// and month rows), so a move of two seconds of live uploads costs hardly more
// than one of a single batch (at 30,000 uploads/s, 2 s instead of 1 s saved
// a sixth of the process's CPU per upload). Readers of the tables see uploads
// that much later; terminals send every 5 minutes.
const indexGather = 2 * time.Second

// indexMaxPackets bounds one move from the inbox into the tables: big enough
// that each point's pages are written once per many packets, small enough
// that a move holds the main file's write lock for well under a second.
const indexMaxPackets = 20_000

// indexer moves what the listener appended to the inbox into the tables, in
// its own goroutine, and tells the uplink relay and the alarm engine about
// what was new. Under load each move takes everything appended during the
// previous one, so moves grow with the load, as group commits do.
type indexer struct {
	db     *sqlite.DB
	logger *slog.Logger
	queued func() // when set, called after a move that queued outbox rows (never blocks)
	// after, when set, sees every moved batch (the alarm engine hooks in
	// here); it must not block.
	after func(ctx context.Context, b *store.Batch, res store.IngestResult)

	moved, dups atomic.Uint64 // packets moved in, of which re-sends of stored ones

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

func newIndexer(db *sqlite.DB, logger *slog.Logger) *indexer {
	return &indexer{db: db, logger: logger, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// notify wakes the indexer after an append; it never blocks.
func (x *indexer) notify() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// run moves batches in until stop is closed, then moves in what is left, so
// that a clean stop leaves the inbox empty. ctx only carries values: the
// service's cancellation must not stop it before the listener has drained.
func (x *indexer) run(ctx context.Context) {
	defer close(x.done)
	ctx = context.WithoutCancel(ctx)
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	for {
		select {
		case <-x.wake:
		case <-retry.C:
		case <-x.stop:
			x.final(ctx)
			return
		}
		gather := time.NewTimer(indexGather)
		select {
		case <-gather.C:
		case <-x.stop:
			gather.Stop()
			x.final(ctx)
			return
		}
		if err := x.flush(ctx); err != nil {
			// Nothing is lost: the batches stay in the inbox. A full disk or a
			// locked file may clear; try again soon.
			batches, packets := x.db.InboxPending()
			x.logger.Error("move uploads from the inbox into the database", "err", err,
				"waiting_batches", batches, "waiting_packets", packets)
			retry.Reset(time.Second)
		}
	}
}

// final moves in what the listener acknowledged before it stopped.
func (x *indexer) final(ctx context.Context) {
	if err := x.flush(ctx); err != nil {
		x.logger.Error("uploads left in the inbox at stop; they are moved in at the next start", "err", err)
	}
}

// flush moves in everything appended so far.
func (x *indexer) flush(ctx context.Context) error {
	for {
		res, err := x.db.IndexInbox(ctx, indexMaxPackets)
		if err != nil {
			return err
		}
		for _, f := range res.SetAside {
			x.logger.Error("the database refused acknowledged uploads of one terminal; they are set aside (powerwatch inbox list, 设置 → 搁置的上传) and the others went in",
				"mn", f.MN, "packets", f.Packets, "inbox_entry", f.Seq, "err", f.Error)
		}
		if res.Batch != nil {
			x.moved.Add(uint64(len(res.Batch.Packets)))
			x.dups.Add(uint64(len(res.Batch.Packets) - res.Result.NewPackets))
			if x.queued != nil && len(res.Result.OutboxIDs) > 0 {
				x.queued()
			}
			if x.after != nil {
				x.after(ctx, res.Batch, res.Result)
			}
		}
		if res.Pending == 0 {
			return nil
		}
	}
}

// close moves in what is left and stops the goroutine.
func (x *indexer) close() error {
	close(x.stop)
	<-x.done
	return nil
}

// Flush returns once every upload acknowledged before the call is in the
// database's tables (they are durable from the acknowledgement on, in the
// inbox; the tables follow within moments).
func (m *Main) Flush(ctx context.Context) error {
	if m.indexer == nil {
		return nil
	}
	return m.indexer.flush(ctx)
}

// IngestStats says how many acknowledged uploads were moved into the tables,
// and how many of those the database already had (a terminal's re-sends).
func (m *Main) IngestStats() (moved, duplicates uint64) {
	if m.indexer == nil {
		return 0, 0
	}
	return m.indexer.moved.Load(), m.indexer.dups.Load()
}
