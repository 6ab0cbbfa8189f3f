package store

import (
	"fmt"
	"strings"
	"time"
)

// A RegistryRow is one row of the officers' registry spreadsheet (one
// monitoring point), checked and normalised by the importer. The store applies
// rows as upserts keyed by natural keys: enterprise by USCC (or name when it
// has none), facility by name within its enterprise, terminal by MN, point by
// MN and any of its codes. Optional fields left empty keep what is stored.
type RegistryRow struct {
	Row         int // spreadsheet row number, for messages
	District    string
	Enterprise  string
	USCC        string
	Industry    string
	Facility    string
	Kind        FacilityKind
	RatedKW     float64     // 0: keep the stored value
	TreatedBy   []TreatedBy // the complete list for a production or integrated facility
	Outlet      string      // "": keep the stored value
	MN          string      // "": a facility without a monitoring point yet
	Password    string      // "": keep the stored value
	Installed   time.Time   // the point's 安装日期; zero: keep the stored value
	PowerCode   string
	CurrentCode string
	VoltageCode string
	EnergyCode  string
	// Threshold is the facility's threshold wanted in force from the import on
	// (Basis, Stop, Run, Derived, Note) or, as the facility's first, from the
	// earliest installation date of its points; nil keeps the stored history.
	Threshold *Threshold

	// Commissioned is the facility's 投运/验收日期; zero: keep the stored value.
	Commissioned time.Time

	// Longitude and Latitude place the enterprise, WGS-84 decimal degrees;
	// both zero: keep the stored position.
	Longitude, Latitude float64
}

// TreatedBy names a treatment facility of the same enterprise in a registry row.
type TreatedBy struct {
	Facility string
	Standby  bool   // marked (备)
	Group    string // the stage's group, "" for a stage of one unit (ParseTreatedBy)
	Need     int    // of an N-of-M stage; 1 for alternatives
}

// ImportCounts counts what an import did to one kind of record.
type ImportCounts struct {
	Created, Updated, Unchanged, Deleted int
}

// ImportSummary is what an import did, per kind of record.
type ImportSummary struct {
	DryRun      bool
	Regions     ImportCounts
	Industries  ImportCounts
	Enterprises ImportCounts
	Facilities  ImportCounts
	Links       ImportCounts
	Terminals   ImportCounts
	Points      ImportCounts
	Thresholds  ImportCounts
	Orders      ImportCounts
	Filings     ImportCounts

	// Warnings is what was accepted but deserves a look, one per line (e.g.
	// a 14-character HJ/T 212-2005 MN, not the 24 hex digits the guideline
	// asks for). A string keeps the summary comparable.
	Warnings string
}

// Changed reports whether the import created, updated or deleted anything.
func (s ImportSummary) Changed() bool {
	for _, c := range s.all() {
		if c.n.Created+c.n.Updated+c.n.Deleted > 0 {
			return true
		}
	}
	return false
}

func (s ImportSummary) all() []struct {
	name string
	n    ImportCounts
} {
	return []struct {
		name string
		n    ImportCounts
	}{
		{"区 regions", s.Regions}, {"行业 industries", s.Industries}, {"企业 enterprises", s.Enterprises},
		{"设施 facilities", s.Facilities}, {"产治关联 links", s.Links}, {"数采仪 terminals", s.Terminals},
		{"监测点 points", s.Points}, {"限值 thresholds", s.Thresholds}, {"管控指令 orders", s.Orders},
		{"报备 filings", s.Filings},
	}
}

// String is the summary for people: one line per kind of record touched.
func (s ImportSummary) String() string {
	var b strings.Builder
	if s.DryRun {
		b.WriteString("试运行，未写入 (dry run, nothing written)\n")
	}
	for _, c := range s.all() {
		if c.n == (ImportCounts{}) {
			continue
		}
		fmt.Fprintf(&b, "%s: 新增 created %d, 更新 updated %d, 未变 unchanged %d", c.name, c.n.Created, c.n.Updated, c.n.Unchanged)
		if c.n.Deleted > 0 {
			fmt.Fprintf(&b, ", 删除 deleted %d", c.n.Deleted)
		}
		b.WriteByte('\n')
	}
	if !s.Changed() {
		b.WriteString("无变化 (nothing changed)\n")
	}
	for w := range strings.Lines(s.Warnings) {
		b.WriteString("注意 warning: " + w)
	}
	return b.String()
}
