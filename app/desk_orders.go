package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"powerwatch/app/control"
	"powerwatch/app/judge"
	"powerwatch/app/registry"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// orderDesk serves the 管控 view (ui.OrderDesk): orders and filings by hand
// (the store's audited methods, then the alarms they touch judged again),
// from files (app/registry), and the episode board and report (app/control).
type orderDesk struct {
	*sqlite.DB
	lim      registry.Limits // zero: app/registry's defaults
	district string          // the bureau's district, for the report's map
}

// The running alarm worker notices a changed registry only at its next sweep
// (minutes away) and may not run at all (a review laptop). An officer who
// corrects or withdraws an order expects the queue to follow now, so each
// change re-judges the enterprise over the period it covered before and
// after (judge.Reevaluate), in the same call. The worker's own re-judgement
// later finds the same verdicts and changes nothing.

// CreateOrder stores o and re-judges what it covers up to now.
func (d orderDesk) CreateOrder(ctx context.Context, who string, o *store.Order) error {
	if err := d.DB.CreateOrder(ctx, who, o); err != nil {
		return err
	}
	return d.rejudge(ctx, "order", o.ID, span{o.EnterpriseID, o.Start, o.End})
}

// UpdateOrder corrects order o.ID and re-judges its old and new periods.
func (d orderDesk) UpdateOrder(ctx context.Context, who string, o *store.Order) error {
	before, err := d.DB.OrderByID(ctx, o.ID)
	if err != nil {
		return fmt.Errorf("correct order %d: %w", o.ID, err)
	}
	if err := d.DB.UpdateOrder(ctx, who, o); err != nil {
		return err
	}
	return d.rejudge(ctx, "order", o.ID, span{before.EnterpriseID, before.Start, before.End}, span{o.EnterpriseID, o.Start, o.End})
}

// WithdrawOrder deletes order id (audited with the order as it was) and
// re-judges its period: what it raised as 停产/限产 violations goes.
func (d orderDesk) WithdrawOrder(ctx context.Context, who string, id int64) error {
	before, err := d.DB.OrderByID(ctx, id)
	if err != nil {
		return fmt.Errorf("withdraw order %d: %w", id, err)
	}
	if err := d.DB.DeleteOrder(ctx, who, id); err != nil {
		return err
	}
	return d.rejudge(ctx, "order", id, span{before.EnterpriseID, before.Start, before.End})
}

// CreateFiling stores f and re-judges what it covers up to now.
func (d orderDesk) CreateFiling(ctx context.Context, who string, f *store.Filing) error {
	if err := d.DB.CreateFiling(ctx, who, f); err != nil {
		return err
	}
	return d.rejudge(ctx, "filing", f.ID, span{f.EnterpriseID, f.Start, f.End})
}

// UpdateFiling corrects filing f.ID and re-judges its old and new periods.
func (d orderDesk) UpdateFiling(ctx context.Context, who string, f *store.Filing) error {
	before, err := d.DB.FilingByID(ctx, f.ID)
	if err != nil {
		return fmt.Errorf("correct filing %d: %w", f.ID, err)
	}
	if err := d.DB.UpdateFiling(ctx, who, f); err != nil {
		return err
	}
	return d.rejudge(ctx, "filing", f.ID, span{before.EnterpriseID, before.Start, before.End}, span{f.EnterpriseID, f.Start, f.End})
}

// WithdrawFiling deletes filing id (audited) and re-judges its period.
func (d orderDesk) WithdrawFiling(ctx context.Context, who string, id int64) error {
	before, err := d.DB.FilingByID(ctx, id)
	if err != nil {
		return fmt.Errorf("withdraw filing %d: %w", id, err)
	}
	if err := d.DB.DeleteFiling(ctx, who, id); err != nil {
		return err
	}
	return d.rejudge(ctx, "filing", id, span{before.EnterpriseID, before.Start, before.End})
}

// span is an enterprise's period an order or filing covered.
type span struct {
	enterprise int64
	from, to   time.Time
}

// rejudge judges the alarms of spans again from the stored data, up to now:
// a period still ahead has nothing to judge yet.
func (d orderDesk) rejudge(ctx context.Context, what string, id int64, spans ...span) error {
	now := d.DB.Now()
	var scopes []store.AlarmScope
	for _, s := range spans {
		to := s.to
		if to.After(now) {
			to = now
		}
		if s.from.Before(to) {
			scopes = append(scopes, store.AlarmScope{EnterpriseID: s.enterprise, From: s.from, To: to})
		}
	}
	if len(scopes) == 0 {
		return nil
	}
	if err := judge.Reevaluate(ctx, d.DB, scopes); err != nil {
		return fmt.Errorf("saved %s %d, but judging its alarms again failed (the next sweep retries): %w", what, id, err)
	}
	return nil
}

// ImportOrderFile imports orders, or filings, from an .xlsx or .csv file.
func (d orderDesk) ImportOrderFile(ctx context.Context, who, path string, filings bool) (store.ImportSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return store.ImportSummary{}, err
	}
	defer f.Close()
	if filings {
		return registry.ImportFilings(ctx, d.DB, who, f, path, false, d.lim)
	}
	return registry.ImportOrders(ctx, d.DB, who, f, path, false, d.lim)
}

// EpisodeReport is the board of ep up to now.
func (d orderDesk) EpisodeReport(ctx context.Context, ep store.Episode) (store.EpisodeReport, error) {
	bs, err := judge.OrderBaselines(ctx, d.DB, ep.Orders)
	if err != nil {
		return store.EpisodeReport{}, fmt.Errorf("episode board: %w", err)
	}
	return control.Report(ctx, d.DB, ep, d.DB.Now(), bs)
}

// ExportEpisode writes r to path as Excel or PDF, by the extension.
func (d orderDesk) ExportEpisode(ctx context.Context, r store.EpisodeReport, path string) (err error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".pdf" {
		return fmt.Errorf("export reduction report %s: want a .xlsx or .pdf file: %w", path, store.ErrInvalid)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export reduction report: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export reduction report %s: %w", path, cerr)
		}
	}()
	if ext == ".xlsx" {
		err = control.WriteXLSX(f, r)
	} else {
		// The map is an illustration: a report without it is still the report.
		m, merr := episodeMap(ctx, d.DB, d.district, r)
		if merr != nil {
			m = nil
		}
		err = control.WritePDFWithMap(f, r, true, m)
	}
	if err != nil {
		return fmt.Errorf("export reduction report %s: %w", path, err)
	}
	return nil
}
