package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"powerwatch/app/control"
	"powerwatch/app/registry"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// orderDesk serves the 管控 view (ui.OrderDesk): orders and filings by hand
// (the store's audited methods), from files (app/registry), and the episode
// board and report (app/control).
type orderDesk struct {
	*sqlite.DB
	lim      registry.Limits // zero: app/registry's defaults
	district string          // the bureau's district, for the report's map
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
	return control.Report(ctx, d.DB, ep, d.DB.Now())
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
