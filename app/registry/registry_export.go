package registry

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"powerwatch/store"
)

// Loader is what an export needs: *sqlite.DB satisfies it.
type Loader interface {
	LoadRegistry(ctx context.Context) (*store.Registry, error)
}

// ExportRegistry writes the stored registry in the import template (.xlsx or
// .csv, chosen by name): one row per monitoring point, plus one row without
// MN for each facility that has no point yet, so that importing the export
// into an empty database rebuilds the registry. Thresholds derived from rated
// power are left empty, so that they are derived again on import.
func ExportRegistry(ctx context.Context, src Loader, w io.Writer, name string) error {
	reg, err := src.LoadRegistry(ctx)
	if err != nil {
		return fmt.Errorf("export registry: %w", err)
	}
	if err := writeTable(w, name, "监测点", headerRow(registryColumns), registryRows(reg)); err != nil {
		return fmt.Errorf("export registry to %s: %w", name, err)
	}
	return nil
}

func registryRows(reg *store.Registry) [][]any {
	facs := slices.Clone(reg.Facilities)
	entName := func(id int64) string { e, _ := reg.Enterprise(id); return e.Name }
	slices.SortStableFunc(facs, func(a, b store.Facility) int {
		return cmp.Or(strings.Compare(entName(a.EnterpriseID), entName(b.EnterpriseID)), cmp.Compare(a.ID, b.ID))
	})
	termByID := map[int64]store.Terminal{}
	for _, t := range reg.Terminals {
		termByID[t.ID] = t
	}
	var rows [][]any
	for _, f := range facs {
		points := reg.PointsOf(f.ID)
		if len(points) == 0 {
			rows = append(rows, facilityCells(reg, f, store.Point{}, store.Terminal{}))
		}
		for _, p := range points {
			rows = append(rows, facilityCells(reg, f, p, termByID[p.TerminalID]))
		}
	}
	return rows
}

// facilityCells is one template row, in registryColumns order.
func facilityCells(reg *store.Registry, f store.Facility, p store.Point, t store.Terminal) []any {
	e, _ := reg.Enterprise(f.EnterpriseID)
	var district, industry string
	for _, r := range reg.Regions {
		if r.ID == e.RegionID {
			district = r.Name
		}
	}
	for _, i := range reg.Industries {
		if i.ID == e.IndustryID {
			industry = i.Name
		}
	}
	treated := reg.TreatedBy(f)
	var stop, run any = "", ""
	if hist := reg.ThresholdsOf(f.ID); len(hist) > 0 && !hist[len(hist)-1].Derived && hist[len(hist)-1].Basis == store.ByPower {
		stop, run = hist[len(hist)-1].Stop, hist[len(hist)-1].Run
	}
	var rated any = ""
	if f.RatedKW > 0 {
		rated = f.RatedKW
	}
	return []any{district, e.Name, e.USCC, industry, f.Name, kindWord[f.Kind], rated, treated,
		t.MN, t.Password, p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode, stop, run, f.Outlet,
		dateCell(p.InstalledAt), dateCell(f.CommissionedAt), degreeCell(e.Longitude), degreeCell(e.Latitude)}
}

// degreeCell writes a coordinate with six decimals (about 0.1 m), "" when unset.
func degreeCell(v float64) any {
	if v == 0 {
		return ""
	}
	return math.Round(v*1e6) / 1e6
}

// dateCell writes a date as the template reads it: the day, with the time
// only when it is not midnight (Beijing).
func dateCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(store.Beijing)
	if local.Hour() != 0 || local.Minute() != 0 {
		return local.Format("2006-01-02 15:04")
	}
	return local.Format("2006-01-02")
}
