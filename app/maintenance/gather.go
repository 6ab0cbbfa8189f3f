package maintenance

import (
	"context"
	"fmt"
	"time"

	"powerwatch/store"
)

// The documents and tests of the CLI and the 运维 view gather their data
// here, from the store, so that both print and judge the same thing.

// RecordSource is what RecordDocs reads; *sqlite.DB is one.
type RecordSource interface {
	LoadRegistry(ctx context.Context) (*store.Registry, error)
	TaskByID(ctx context.Context, id int64) (store.Task, error)
}

// RecordDocs resolves the names the printed records show.
func RecordDocs(ctx context.Context, db RecordSource, rs []store.MaintenanceRecord) ([]RecordDoc, error) {
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, err
	}
	var out []RecordDoc
	for _, r := range rs {
		d := RecordDoc{Record: r}
		if en, ok := reg.Enterprise(r.EnterpriseID); ok {
			d.Enterprise = en.Name
		}
		for _, p := range reg.Points {
			if p.ID == r.PointID && r.PointID != 0 {
				d.Point = p.Name
			}
		}
		if r.TaskID != 0 {
			if t, err := db.TaskByID(ctx, r.TaskID); err == nil {
				d.Task = t.Reason
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// AcceptanceSource is what AcceptancePoints reads; *sqlite.DB is one.
type AcceptanceSource interface {
	Samples(ctx context.Context, pointID int64, from, to time.Time) ([]store.Sample, error)
	RawPackets(ctx context.Context, mn string, from, to time.Time) ([]store.RawPacket, error)
}

// AcceptancePoints reads, for every point of enterprise ent, what arrived in
// [from, to) and the threshold in force at to.
func AcceptancePoints(ctx context.Context, db AcceptanceSource, reg *store.Registry, ent int64, from, to time.Time) ([]AcceptancePoint, error) {
	mn := map[int64]string{}
	for _, t := range reg.Terminals {
		mn[t.ID] = t.MN
	}
	packets := map[int64][]store.RawPacket{}
	var out []AcceptancePoint
	for _, p := range reg.Points {
		f, ok := reg.Facility(p.FacilityID)
		if !ok || f.EnterpriseID != ent {
			continue
		}
		th, ok := reg.ThresholdAt(f.ID, to)
		if !ok {
			if th, ok = store.DefaultThreshold(f.RatedKW); !ok {
				return nil, fmt.Errorf("point %s of %s: no threshold and no rated power to derive one", p.Name, f.Name)
			}
		}
		ss, err := db.Samples(ctx, p.ID, from, to)
		if err != nil {
			return nil, err
		}
		if _, ok := packets[p.TerminalID]; !ok {
			if packets[p.TerminalID], err = db.RawPackets(ctx, mn[p.TerminalID], from, to); err != nil {
				return nil, err
			}
		}
		out = append(out, AcceptancePoint{Point: p, Facility: f, Threshold: th, Samples: ss, Packets: packets[p.TerminalID]})
	}
	return out, nil
}

// NewReportDoc gathers what the installation report of enterprise en prints.
func NewReportDoc(reg *store.Registry, en store.Enterprise, survey store.Survey) ReportDoc {
	doc := ReportDoc{Enterprise: en, Survey: survey}
	for _, r := range reg.Regions {
		if r.ID == en.RegionID {
			doc.Region = r.Name
		}
	}
	for _, i := range reg.Industries {
		if i.ID == en.IndustryID {
			doc.Industry = i.Code + " " + i.Name
		}
	}
	ids := map[int64]bool{}
	for _, f := range reg.Facilities {
		if f.EnterpriseID == en.ID {
			doc.Facilities = append(doc.Facilities, f)
			ids[f.ID] = true
		}
	}
	for _, l := range reg.Links {
		if ids[l.ProductionID] {
			doc.Links = append(doc.Links, l)
		}
	}
	for _, o := range reg.Orders {
		if o.EnterpriseID == en.ID {
			doc.Orders = append(doc.Orders, o)
		}
	}
	for _, p := range reg.Points {
		if ids[p.FacilityID] {
			doc.Points = append(doc.Points, p)
		}
	}
	return doc
}
