package uplink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"sync"
	"time"

	"github.com/spf13/afero"

	"powerwatch/store"
)

// SchemaName and SchemaVersion identify the shared-data documents. The
// version changes whenever a field changes meaning or disappears; adding a
// field does not change it (receivers ignore fields they do not know).
const (
	SchemaName    = "powerwatch.shared"
	SchemaVersion = 1
)

// Source is what the Exporter needs from the store (*sqlite.DB is one).
type Source interface {
	// UplinkChanges returns up to limit changed entities after seq, in change order.
	UplinkChanges(ctx context.Context, after int64, limit int) ([]store.Change, error)
	// UplinkBacklog counts the changes after seq and gives the oldest one's time.
	UplinkBacklog(ctx context.Context, after int64) (int, time.Time, error)
	// SyncCursor returns the target's cursor (zero for a new target).
	SyncCursor(ctx context.Context, target string) (store.SyncCursor, error)
	// SaveSyncCursor stores a cursor; its Seq never moves back.
	SaveSyncCursor(ctx context.Context, c store.SyncCursor) error
}

// Document is one shared-data push (README "Shared-data JSON").
type Document struct {
	Schema      string   `json:"schema"`  // SchemaName
	Version     int      `json:"version"` // SchemaVersion
	District    string   `json:"district,omitempty"`
	Batch       string   `json:"batch"`    // "<from_seq>-<to_seq>": the same batch sent again has the same id
	FromSeq     int64    `json:"from_seq"` // exclusive: the receiver had everything up to here
	ToSeq       int64    `json:"to_seq"`   // inclusive: the last record's seq
	GeneratedAt string   `json:"generated_at"`
	Records     []Record `json:"records"`
}

// Record is one entity's state after its last change, or its deletion.
type Record struct {
	Seq       int64           `json:"seq"`
	Entity    string          `json:"entity"`
	ID        int64           `json:"id"`
	Op        string          `json:"op"` // upsert or delete
	ChangedAt string          `json:"changed_at"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Exporter pushes the shared data to one target: an HTTP(S) URL (POST) or,
// when URL is empty, the folder Dir on FS. Set Source and one target before use.
type Exporter struct {
	URL      string
	FS       afero.Fs
	Dir      string
	Source   Source
	Client   *http.Client // nil: a client with a 30 s timeout
	District string       // the sender's name in every document
	// Batch is the number of records per document; 0 means 500.
	Batch int
	// Interval is how often Run looks for changes when nobody calls Wake; 0 means 1 min.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed push
	// (doubling); 0 means 5 s and 10 min.
	MinBackoff, MaxBackoff time.Duration
	Logger                 *slog.Logger // nil: discard

	wakeOnce sync.Once
	wake     chan struct{}
}

// Target names the exporter's target: its URL, or "folder:" and the folder.
func (e *Exporter) Target() string {
	if e.URL != "" {
		return e.URL
	}
	return "folder:" + e.Dir
}

func (e *Exporter) wakeCh() chan struct{} {
	e.wakeOnce.Do(func() { e.wake = make(chan struct{}, 1) })
	return e.wake
}

// Wake asks Run to look for changes now. It never blocks.
func (e *Exporter) Wake() {
	select {
	case e.wakeCh() <- struct{}{}:
	default:
	}
}

// Run syncs at every Interval (or Wake) until ctx ends, retrying a failed
// push with doubling backoff. It returns nil when ctx ends.
func (e *Exporter) Run(ctx context.Context) error {
	minB, maxB := orDefault(e.MinBackoff, 5*time.Second), orDefault(e.MaxBackoff, 10*time.Minute)
	backoff := minB
	for {
		wait := orDefault(e.Interval, time.Minute)
		if _, err := e.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.logger().Warn("shared-data push failed; retrying", "target", e.Target(), "in", backoff, "err", err)
			wait, backoff = backoff, min(2*backoff, maxB)
		} else {
			backoff = minB
		}
		select {
		case <-ctx.Done():
			return nil
		case <-e.wakeCh():
		case <-time.After(wait):
		}
	}
}

// Sync pushes every change since the target's cursor, one document per
// Batch records, moving the cursor after each success. It returns the
// number of records delivered; on error the cursor stays after the last
// success, so the next Sync resends only what failed.
func (e *Exporter) Sync(ctx context.Context) (int, error) {
	cur, err := e.Source.SyncCursor(ctx, e.Target())
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		changes, err := e.Source.UplinkChanges(ctx, cur.Seq, orDefault(e.Batch, 500))
		if err != nil || len(changes) == 0 {
			return total, err
		}
		doc := e.document(cur.Seq, changes)
		if err := e.push(ctx, doc); err != nil {
			cur.LastError, cur.LastErrorAt = err.Error(), time.Now()
			if serr := e.Source.SaveSyncCursor(context.WithoutCancel(ctx), cur); serr != nil {
				err = errors.Join(err, serr)
			}
			return total, fmt.Errorf("push batch %s to %s: %w", doc.Batch, e.Target(), err)
		}
		cur.Seq, cur.LastOK, cur.LastError = doc.ToSeq, time.Now(), ""
		cur.Sent += int64(len(doc.Records))
		total += len(doc.Records)
		if err := e.Source.SaveSyncCursor(context.WithoutCancel(ctx), cur); err != nil {
			return total, fmt.Errorf("save cursor of %s after batch %s: %w", e.Target(), doc.Batch, err)
		}
	}
}

func (e *Exporter) document(from int64, changes []store.Change) *Document {
	d := &Document{Schema: SchemaName, Version: SchemaVersion, District: e.District, FromSeq: from,
		ToSeq: changes[len(changes)-1].Seq, GeneratedAt: isoTime(time.Now()), Records: make([]Record, len(changes))}
	d.Batch = fmt.Sprintf("%d-%d", d.FromSeq, d.ToSeq)
	for i, c := range changes {
		r := Record{Seq: c.Seq, Entity: c.Entity, ID: c.ID, Op: "upsert", ChangedAt: isoTime(c.At), Data: c.Data}
		if c.Deleted {
			r.Op, r.Data = "delete", nil
		}
		d.Records[i] = r
	}
	return d
}

func isoTime(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02T15:04:05.000Z07:00") }

// push delivers one document. Any status but 2xx is a failure: the batch is
// sent again later, with the same id.
func (e *Exporter) push(ctx context.Context, d *Document) error {
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if e.URL == "" {
		return e.write(d, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Powerwatch-Batch", d.Batch)
	client := e.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// write puts the document into the folder under a name that sorts in batch
// order, through a temporary name, so a reader never sees half a file.
func (e *Exporter) write(d *Document, body []byte) error {
	if e.FS == nil || e.Dir == "" {
		return errors.New("no URL and no folder configured")
	}
	if err := e.FS.MkdirAll(e.Dir, 0o755); err != nil {
		return err
	}
	name := path.Join(e.Dir, fmt.Sprintf("shared-%020d.json", d.ToSeq))
	if err := afero.WriteFile(e.FS, name+".tmp", body, 0o644); err != nil {
		return err
	}
	return e.FS.Rename(name+".tmp", name)
}

// Status reports the target: changes not yet delivered and the last outcome.
func (e *Exporter) Status(ctx context.Context) (Status, error) {
	cur, err := e.Source.SyncCursor(ctx, e.Target())
	if err != nil {
		return Status{}, err
	}
	n, oldest, err := e.Source.UplinkBacklog(ctx, cur.Seq)
	if err != nil {
		return Status{}, err
	}
	return Status{Target: e.Target(), Kind: "json", Connected: !cur.LastOK.IsZero() && !cur.LastOK.Before(cur.LastErrorAt),
		Pending: n, Oldest: oldest, LastOK: cur.LastOK, LastError: cur.LastError, LastErrorAt: cur.LastErrorAt}, nil
}

func (e *Exporter) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}
