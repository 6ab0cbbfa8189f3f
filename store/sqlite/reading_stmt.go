package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtPool keeps the ingest's statements (ingestQueries) prepared for the
// life of the DB. modernc.org/sqlite parses a query on every call otherwise,
// and preparing the multi-row inserts anew in every group commit cost more
// than running them. Tx.StmtContext reuses a statement already prepared on
// the transaction's connection (and prepares it there once otherwise).
type stmtPool struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepare fills the pool unless it is filled. It runs before the ingest
// transaction begins: preparing on the *sql.DB takes a connection of its own,
// which a pool limited to one connection could not give during the transaction.
func (p *stmtPool) prepare(ctx context.Context, db *sql.DB) error {
	return p.prepareQueries(ctx, db, ingestQueries())
}

// prepareQueries fills the pool with queries unless it is filled.
func (p *stmtPool) prepareQueries(ctx context.Context, db *sql.DB, queries []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m != nil {
		return nil
	}
	m := map[string]*sql.Stmt{}
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return err
		}
		m[q] = s
	}
	p.m = m
	return nil
}

// get returns the pool's statement for query, nil when it has none.
func (p *stmtPool) get(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[query]
}

func (p *stmtPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.m {
		s.Close()
	}
	p.m = nil
}

// stmtCache is a querier over a transaction that binds each distinct query's
// statement to it once: the pool's when it has one, else prepared for this
// transaction only (the rare statements of late data and backfill).
type stmtCache struct {
	tx   *sql.Tx
	pool *stmtPool
	m    map[string]*sql.Stmt
}

func newStmtCache(db *DB, tx *sql.Tx) *stmtCache {
	return &stmtCache{tx: tx, pool: &db.stmts, m: map[string]*sql.Stmt{}}
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	var s *sql.Stmt
	if ps := c.pool.get(query); ps != nil {
		s = c.tx.StmtContext(ctx, ps)
	} else {
		var err error
		if s, err = c.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext reports a failed prepare through the returned Row, as
// *sql.Tx does: a Row cannot be built with an error from outside, so the
// unprepared query is run to obtain it.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// close releases the transaction's statements; the pool's stay prepared.
func (c *stmtCache) close() {
	for _, s := range c.m {
		s.Close()
	}
}

// rowSizes are the row counts multi-row statements are cut into: a few fixed
// sizes keep the number of distinct statements (and so the pool) small, at the
// price of a few more statements per batch.
var rowSizes = [...]int{256, 64, 16, 4, 1}

// rowChunks returns the sizes, largest first, that n rows are inserted in.
func rowChunks(n int) []int {
	var out []int
	for _, s := range rowSizes {
		for ; n >= s; n -= s {
			out = append(out, s)
		}
	}
	return out
}
