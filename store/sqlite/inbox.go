package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"powerwatch/store"
)

// The inbox is what the listener's acknowledgement waits for. A batch of live
// uploads touches every point and terminal of the district once, and the
// tables keyed by point (raw packets, series, aggregates) then have a page
// dirty per point in every commit: thousands of pages written per batch,
// whatever its size. So the acknowledgement path only appends the batch, as
// one blob, to a small second SQLite file next to the database (<db>.inbox,
// its own write lock, so it never waits for the main file's writers), and
// IndexInbox moves appended batches into the tables later, many at a time,
// where each point's pages are written once per many packets.
//
// Exactly once: IndexInbox records the last sequence number it moved in the
// main file, in the transaction that moves it; rows up to it are deleted from
// the inbox afterwards and skipped if a crash left them there. The service
// holds the inbox file with an exclusive lock, so one process receives into a
// database at a time; any other process that opens the database finds a
// leftover inbox unlocked only after a crash, and moves it in at open.

// InboxSuffix is added to the database's path to name its inbox file.
const InboxSuffix = ".inbox"

// inboxKey is the settings row holding the last inbox sequence number moved.
const inboxKey = "inbox.indexed_through"

// inboxMemBytes bounds the appended batches kept in memory for IndexInbox;
// past it (a backfill storm the indexer has not caught up with) entries are
// read back from the file.
const inboxMemBytes = 256 << 20

// ErrInboxBusy means another process holds the database's inbox: another
// powerwatch service receives into the same database.
var ErrInboxBusy = errors.New("另一个 powerwatch 正在向此数据库接收数据（可能已在系统托盘中运行）/ " +
	"another powerwatch service is receiving into this database (perhaps already running in the system tray)")

type inbox struct {
	db   *sql.DB // one connection holding the file's exclusive lock
	path string
	lock *fileLock // the receiver's lock on the database file itself (lock.go)

	memLimit int // inboxMemBytes; tests lower it

	mu       sync.Mutex // guards queue and memBytes
	queue    []inboxEntry
	memBytes int
}

// inboxEntry is an appended batch not yet moved into the tables.
type inboxEntry struct {
	seq     int64
	packets int
	size    int
	batch   *store.Batch // nil when not kept in memory
}

// InboxResult is what one IndexInbox call moved into the tables.
type InboxResult struct {
	Batches int          // appended batches moved
	Batch   *store.Batch // their contents, merged in append order; nil when none
	Result  store.IngestResult
	Pending int // appended batches still waiting
	// SetAside lists the terminals' uploads the tables refused (invalid
	// data, a constraint): they were moved to the inbox's inbox_failed table
	// so that the others go in. Empty normally.
	SetAside []store.InboxFailure
}

const inboxSchema = `CREATE TABLE IF NOT EXISTS inbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	packets    INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	body       BLOB NOT NULL
);`

// inboxFailedSchema is the table of uploads set aside (inbox_failed.go).
const inboxFailedSchema = `CREATE TABLE inbox_failed (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	seq       INTEGER NOT NULL,            -- the inbox entry it came from
	mn        TEXT NOT NULL DEFAULT '',    -- its terminal; '' for a damaged entry
	packets   INTEGER NOT NULL DEFAULT 0,
	failed_at INTEGER NOT NULL,
	error     TEXT NOT NULL,
	body      BLOB NOT NULL,
	UNIQUE (seq, mn)
)`

// openInbox opens (creating) the inbox file of the database at path and takes
// its exclusive lock; ErrInboxBusy when another process has it.
func openInbox(ctx context.Context, path string, full bool) (*inbox, error) {
	// locking_mode first: an exclusively locked WAL file needs no shared
	// memory; page_size before WAL, which fixes it. Big pages: entries are
	// blobs of hundreds of KB.
	dsn := "_pragma=locking_mode(exclusive)&_pragma=page_size(65536)&_pragma=journal_mode(wal)&_pragma=busy_timeout(0)"
	if full {
		dsn += "&_pragma=synchronous(full)"
	} else {
		dsn += "&_pragma=synchronous(normal)"
	}
	sqldb, err := sql.Open("sqlite", path+"?"+dsn)
	if err != nil {
		return nil, fmt.Errorf("open inbox %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(1)
	sqldb.SetConnMaxIdleTime(0)
	sqldb.SetConnMaxLifetime(0)
	if _, err := sqldb.ExecContext(ctx, inboxSchema); err != nil {
		sqldb.Close()
		var coded interface{ Code() int }
		if errors.As(err, &coded) && coded.Code()&0xff == 5 { // SQLITE_BUSY
			return nil, fmt.Errorf("open inbox %s: %w", path, ErrInboxBusy)
		}
		return nil, fmt.Errorf("open inbox %s: %w", path, classify(err))
	}
	if err := ensureFailed(ctx, sqldb); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open inbox %s: set-aside table: %w", path, classify(err))
	}
	return &inbox{db: sqldb, path: path, memLimit: inboxMemBytes}, nil
}

// load queues the entries after through, the last one the tables have, and
// deletes those up to it. It makes the next sequence number follow through
// even when the inbox file was deleted or replaced.
func (in *inbox) load(ctx context.Context, through int64) error {
	if _, err := in.db.ExecContext(ctx, `DELETE FROM inbox WHERE seq <= ?`, through); err != nil {
		return fmt.Errorf("inbox %s: %w", in.path, classify(err))
	}
	var top sql.NullInt64
	if err := in.db.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'inbox'`).Scan(&top); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("inbox %s: %w", in.path, classify(err))
	}
	if top.Int64 < through {
		if _, err := in.db.ExecContext(ctx, `DELETE FROM sqlite_sequence WHERE name = 'inbox'`); err != nil {
			return fmt.Errorf("inbox %s: %w", in.path, classify(err))
		}
		if _, err := in.db.ExecContext(ctx, `INSERT INTO sqlite_sequence(name, seq) VALUES ('inbox', ?)`, through); err != nil {
			return fmt.Errorf("inbox %s: %w", in.path, classify(err))
		}
	}
	rows, err := in.db.QueryContext(ctx, `SELECT seq, packets, length(body) FROM inbox ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("inbox %s: %w", in.path, classify(err))
	}
	defer rows.Close()
	in.mu.Lock()
	defer in.mu.Unlock()
	in.queue = in.queue[:0]
	for rows.Next() {
		var e inboxEntry
		if err := rows.Scan(&e.seq, &e.packets, &e.size); err != nil {
			return fmt.Errorf("inbox %s: %w", in.path, err)
		}
		in.queue = append(in.queue, e)
	}
	return rows.Err()
}

func (in *inbox) close() error { return errors.Join(in.db.Close(), in.lock.close()) }

// inboxPath names the inbox next to the real database file, so that the
// database reached through a symlink finds the same inbox; an inbox left
// next to the link by an older version is still used while it exists.
func (db *DB) inboxPath() string {
	real := canonical(db.path) + InboxSuffix
	if old := db.path + InboxSuffix; old != real {
		if _, err := os.Stat(real); err != nil {
			if _, err := os.Stat(old); err == nil {
				return old
			}
		}
	}
	return real
}

// indexedThrough reads the last inbox sequence number moved into the tables.
func indexedThrough(ctx context.Context, q querier) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, inboxKey).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read inbox watermark: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// OpenInbox opens the database's inbox for Append and takes its lock for as
// long as the database is open. Batches a crash left in it are queued for
// IndexInbox. ErrInboxBusy when another process holds it.
func (db *DB) OpenInbox(ctx context.Context) error {
	db.inboxMu.Lock()
	defer db.inboxMu.Unlock()
	if db.inbox != nil {
		return nil
	}
	lock, err := lockDatabase(db.path)
	if err != nil {
		return err
	}
	path := db.inboxPath()
	in, err := openInbox(ctx, path, db.syncFull)
	if errors.Is(err, store.ErrCorrupt) {
		// Not an SQLite file (a foreign or torn file): keep it for a
		// specialist, start a new inbox, and say so.
		aside := fmt.Sprintf("%s.damaged-%s", path, db.Now().Format("20060102-150405"))
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Rename(path+suffix, aside+suffix)
		}
		db.notices = append(db.notices, fmt.Sprintf("收件箱文件已损坏，已移至 %s / the inbox file was damaged (%v); moved aside to %s, a new one is used", aside, err, aside))
		in, err = openInbox(ctx, path, db.syncFull)
	}
	if err != nil {
		lock.close()
		return err
	}
	in.lock = lock
	through, err := indexedThrough(ctx, db.db)
	if err == nil {
		err = in.load(ctx, through)
	}
	if err != nil {
		in.close()
		return err
	}
	db.inbox = in
	return nil
}

// indexLeftover moves in what a crashed service left in the inbox, when no
// other process holds it. Open calls it, so that every acknowledged upload is
// in the tables for whoever opens the database next. Nothing in the inbox
// may keep the database from opening (a backup must always be possible):
// what cannot be moved stays in the inbox, what the tables refuse is set
// aside, and both are reported by Notices.
func (db *DB) indexLeftover(ctx context.Context) error {
	if _, err := os.Stat(db.inboxPath()); err != nil {
		return nil // never received into, or not a file path
	}
	if err := db.OpenInbox(ctx); err != nil {
		if !errors.Is(err, ErrInboxBusy) { // else the service that holds it moves it in
			db.notef("收件箱未能打开，其中的上传留待服务启动时处理 / the inbox could not be opened; its uploads wait for the service: %v", err)
		}
		return nil
	}
	for {
		res, err := db.IndexInbox(ctx, 100_000)
		for _, f := range res.SetAside {
			db.notef("数据库拒收了终端 %s 的 %d 条已确认上传，已搁置（powerwatch inbox list）/ the database refused %d acknowledged uploads of %s; set aside (powerwatch inbox list): %s",
				f.MN, f.Packets, f.Packets, f.MN, f.Error)
		}
		if err != nil {
			batches, packets := db.InboxPending()
			db.notef("收件箱中 %d 条上传未能移入数据库，仍保存在收件箱中 / %d uploads (%d group commits) wait in the inbox and could not be moved in now: %v",
				packets, packets, batches, err)
			break
		}
		if res.Pending == 0 {
			break
		}
	}
	db.inboxMu.Lock()
	defer db.inboxMu.Unlock()
	err := db.inbox.close()
	db.inbox = nil
	return err
}

// notef records a notice for Notices.
func (db *DB) notef(format string, a ...any) {
	db.inboxMu.Lock()
	defer db.inboxMu.Unlock()
	db.notices = append(db.notices, fmt.Sprintf(format, a...))
}

// Notices says what opening the database had to work around: uploads set
// aside or left in the inbox, a damaged inbox file moved aside. The caller
// shows or logs them; nil when there was nothing to say.
func (db *DB) Notices() []string {
	db.inboxMu.Lock()
	defer db.inboxMu.Unlock()
	return slices.Clone(db.notices)
}

func (db *DB) openedInbox() *inbox {
	db.inboxMu.Lock()
	defer db.inboxMu.Unlock()
	return db.inbox
}

// Append makes b durable in the inbox and returns: from then on a crash
// cannot lose it, and IndexInbox moves it into the tables. It needs
// OpenInbox. Like Ingest, it wraps store.ErrReadOnly for a full disk.
func (db *DB) Append(ctx context.Context, b *store.Batch) error {
	if err := validateBatch(b); err != nil {
		return err
	}
	in := db.openedInbox()
	if in == nil {
		return errors.New("append to inbox: the inbox is not open")
	}
	body := encodeBatch(b)
	// One writer at a time keeps the queue in sequence order.
	in.mu.Lock()
	defer in.mu.Unlock()
	r, err := in.db.ExecContext(ctx, `INSERT INTO inbox(packets, created_at, body) VALUES (?, ?, ?)`,
		len(b.Packets), db.Now().UnixMilli(), body)
	if err != nil {
		return fmt.Errorf("append %d packets to the inbox: %w", len(b.Packets), classify(err))
	}
	seq, err := r.LastInsertId()
	if err != nil {
		return fmt.Errorf("append %d packets to the inbox: %w", len(b.Packets), err)
	}
	if db.crashed("appended") {
		return errCrashed
	}
	e := inboxEntry{seq: seq, packets: len(b.Packets), size: len(body)}
	if in.memBytes+e.size <= in.memLimit {
		e.batch = b
		in.memBytes += e.size
	}
	in.queue = append(in.queue, e)
	return nil
}

// InboxPending is how many appended batches and packets wait for IndexInbox.
func (db *DB) InboxPending() (batches, packets int) {
	in := db.openedInbox()
	if in == nil {
		return 0, 0
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, e := range in.queue {
		packets += e.packets
	}
	return len(in.queue), packets
}

// IndexInbox moves the oldest appended batches, about maxPackets packets but
// at least one batch, into the tables in one transaction, as Ingest would
// have written them. Calls are serialised. A damaged entry is set aside in
// the inbox's inbox_failed table, not retried forever.
func (db *DB) IndexInbox(ctx context.Context, maxPackets int) (InboxResult, error) {
	db.indexMu.Lock()
	defer db.indexMu.Unlock()
	in := db.openedInbox()
	if in == nil {
		return InboxResult{}, nil
	}
	in.mu.Lock()
	var take []inboxEntry
	n := 0
	for _, e := range in.queue {
		if len(take) > 0 && n+e.packets > maxPackets {
			break
		}
		take = append(take, e)
		n += e.packets
	}
	in.mu.Unlock()
	if len(take) == 0 {
		return InboxResult{}, nil
	}
	batches := make([]*store.Batch, len(take))
	for i, e := range take {
		if batches[i] = e.batch; e.batch != nil {
			continue
		}
		b, err := in.read(ctx, e.seq, db.Now())
		if err != nil {
			return InboxResult{}, err
		}
		batches[i] = b // nil: set aside
	}
	last := take[len(take)-1].seq
	res, err := db.moveEntries(ctx, in, take, batches, false)
	if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrConflict) {
		// Data the tables refuse will never go in: move the entries again,
		// each terminal's uploads of each entry on their own, and set aside
		// only those refused, so one terminal cannot hold up the others.
		res, err = db.moveEntries(ctx, in, take, batches, true)
	}
	if err != nil {
		// A full disk or a locked file clears and the move is retried.
		return InboxResult{}, fmt.Errorf("move inbox entries %d–%d (%d packets) into the tables: %w", take[0].seq, last, n, err)
	}
	if db.crashed("moved") {
		return InboxResult{}, errCrashed
	}
	in.mu.Lock()
	for _, e := range in.queue[:len(take)] {
		if e.batch != nil {
			in.memBytes -= e.size
		}
	}
	in.queue = append(in.queue[:0], in.queue[len(take):]...)
	res.Pending = len(in.queue)
	in.mu.Unlock()
	// What is moved is skipped by the watermark if this delete is lost.
	if _, err := in.db.ExecContext(ctx, `DELETE FROM inbox WHERE seq <= ?`, last); err != nil {
		return res, fmt.Errorf("delete moved inbox entries up to %d: %w", last, classify(err))
	}
	if db.crashed("deleted") {
		return InboxResult{}, errCrashed
	}
	return res, nil
}

// errCrashed is what a crash point returns in the crash tests: the process
// died there, and nothing after it happened.
var errCrashed = errors.New("crashed here (test)")

// crashed reports whether the crash tests end the process at point: between
// the inbox's commit and the acknowledgement ("appended"), between the
// tables' commit and the inbox's delete ("moved"), and after the delete.
func (db *DB) crashed(point string) bool { return db.crashAt != nil && db.crashAt(point) }

// moveEntries moves take (their batches; nil for one set aside as damaged)
// into the tables in one transaction and advances the watermark. Unless
// split, the batches go in merged and any error aborts the move; when split,
// each terminal's part of each batch goes in under its own savepoint and a
// part the tables refuse is set aside in inbox_failed (before the commit, so
// a crash between the two repeats the split and loses nothing).
func (db *DB) moveEntries(ctx context.Context, in *inbox, take []inboxEntry, batches []*store.Batch, split bool) (InboxResult, error) {
	last := take[len(take)-1].seq
	var res InboxResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		through, err := indexedThrough(ctx, tx)
		if err != nil {
			return err
		}
		var fresh []*store.Batch
		var seqs []int64
		for i, e := range take {
			if e.seq > through && batches[i] != nil {
				fresh = append(fresh, batches[i])
				seqs = append(seqs, e.seq)
			}
		}
		if split {
			res, err = db.ingestParts(ctx, tx, in, seqs, fresh)
		} else {
			res = InboxResult{Batches: len(fresh), Batch: mergeBatches(fresh)}
			res.Result, err = db.ingestTx(ctx, tx, res.Batch)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			inboxKey, strconv.FormatInt(max(last, through), 10), db.Now().UnixMilli())
		return err
	})
	return res, err
}

// read loads and decodes entry seq; a damaged one is moved to inbox_failed
// and read returns nil for it.
func (in *inbox) read(ctx context.Context, seq int64, now time.Time) (*store.Batch, error) {
	var body []byte
	if err := in.db.QueryRowContext(ctx, `SELECT body FROM inbox WHERE seq = ?`, seq).Scan(&body); err != nil {
		return nil, fmt.Errorf("read inbox entry %d: %w", seq, classify(err))
	}
	b, derr := decodeBatch(body)
	if derr == nil {
		return b, nil
	}
	_, err := in.db.ExecContext(ctx, `INSERT OR REPLACE INTO inbox_failed(seq, mn, packets, failed_at, error, body) VALUES (?, '', 0, ?, ?, ?)`,
		seq, now.UnixMilli(), derr.Error(), body)
	if err != nil {
		return nil, fmt.Errorf("set aside damaged inbox entry %d (%v): %w", seq, derr, classify(err))
	}
	return nil, nil
}

// mergeBatches concatenates bs, renumbering the outbox items' packets.
func mergeBatches(bs []*store.Batch) *store.Batch {
	if len(bs) == 1 {
		return bs[0]
	}
	var np, ns, no int
	for _, b := range bs {
		np, ns, no = np+len(b.Packets), ns+len(b.Samples), no+len(b.Outbox)
	}
	out := &store.Batch{Packets: make([]store.RawPacket, 0, np), Samples: make([]store.Sample, 0, ns),
		Outbox: make([]store.OutboxItem, 0, no)}
	for _, b := range bs {
		off := len(out.Packets)
		out.Packets = append(out.Packets, b.Packets...)
		out.Samples = append(out.Samples, b.Samples...)
		for _, o := range b.Outbox {
			if o.Packet > 0 {
				o.Packet += off
			}
			out.Outbox = append(out.Outbox, o)
		}
	}
	return out
}
