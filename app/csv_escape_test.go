package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/listing"
	"powerwatch/app/maintenance"
	"powerwatch/app/registry"
	"powerwatch/csvsafe"
	"powerwatch/statsheet"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// hostile is what an importer or a terminal may put in a cell: Excel would run
// it as a command (DDE) if the cell were written as it is.
const hostile = "=cmd|' /C calc'!A0"

// TestCSVExportsEscapeFormulas writes every CSV the commands export with
// formula-like text where a person or a terminal can put it: names from the
// registry, a terminal's MN, a factor code, a value and a flag from a raw
// frame. Every cell must come out as text, the negative number as a number.
func TestCSVExportsEscapeFormulas(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent := store.Enterprise{Name: hostile, USCC: "91110105MA00000001"}
	must(db.CreateEnterprise(ctx, "t", &ent))
	prod := store.Facility{EnterpriseID: ent.ID, Name: "@SUM(1+1)*cmd|' /C calc'!A0", Kind: store.Production, RatedKW: 100}
	must(db.CreateFacility(ctx, "t", &prod))
	term := store.Terminal{MN: "+cmd|' /C calc'!A0", Password: "123456", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, "t", &term))
	must(db.CreatePoint(ctx, "t", &store.Point{TerminalID: term.ID, FacilityID: prod.ID, Name: "-2+3+cmd|' /C calc'!A0", PowerCode: "e10101"}))
	at := time.Date(2026, 11, 27, 8, 0, 0, 0, store.Beijing)
	frame := "##0200QN=20261127080000000;ST=22;CN=2011;PW=123456;MN=" + term.MN +
		";Flag=4;CP=&&DataTime=20261127080000;e10101-Rtd=-1.5,e10101-Flag=@cmd;-x-Rtd=" + hostile + "&&ABCD"
	_, err = db.Ingest(ctx, &store.Batch{Packets: []store.RawPacket{{MN: term.MN, ST: "22", CN: "2011", QN: "20261127080000000",
		DataTime: at, ReceivedAt: at, CRCOK: true, Frame: []byte(frame)}}})
	must(err)
	reg, err := db.LoadRegistry(ctx)
	must(err)

	packets, err := db.RawPackets(ctx, term.MN, at.Add(-time.Minute), at.Add(time.Minute))
	if err != nil || len(packets) != 1 {
		t.Fatalf("RawPackets = %d, %v", len(packets), err)
	}
	values, err := listing.PacketValues(packets[0], "")
	must(err)

	writers := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string // cells that must be there, as written
	}{
		{"readings", func(b *bytes.Buffer) error { return listing.WriteValues(b, "csv", values) },
			[]string{"'" + term.MN, "-1.5", "'@cmd", "'" + hostile}},
		{"alarms", func(b *bytes.Buffer) error {
			a := store.Alarm{ID: 1, Type: store.TreatmentOff, Grade: store.Minor, Status: store.Open, EnterpriseID: ent.ID,
				ProductionID: prod.ID, Start: at}
			return listing.WriteAlarms(b, "csv", reg, []store.Alarm{a}, at.Add(time.Hour))
		}, []string{"'" + hostile, "'" + prod.Name}},
		{"stats", func(b *bytes.Buffer) error {
			return statsheet.Write(b, "csv", store.Month, []store.StatsRow{{ID: ent.ID, Name: hostile, Start: at, Energy: -3.25, YoY: -0.5}})
		}, []string{"'" + hostile, "-3.25", "-50"}},
		{"tasks", func(b *bytes.Buffer) error {
			return maintenance.WriteTasks(b, "csv", reg, []store.Task{{ID: 1, Kind: "inspection", EnterpriseID: ent.ID, TerminalID: term.ID,
				Detail: "-cmd|' /C calc'!A0", Due: at}})
		}, []string{"'" + hostile, "'" + term.MN, "'-cmd|' /C calc'!A0"}},
		{"registry", func(b *bytes.Buffer) error { return registry.ExportRegistry(ctx, db, b, "reg.csv") },
			[]string{"'" + hostile, "'" + prod.Name, "'" + term.MN}},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := w.write(&b); err != nil {
				t.Fatal(err)
			}
			if err := csvsafe.Check(b.Bytes()); err != nil {
				t.Errorf("%s csv: %v\n%s", w.name, err, b.String())
			}
			for _, c := range w.want {
				if !strings.Contains(b.String(), c) {
					t.Errorf("%s csv lacks the cell %q:\n%s", w.name, c, b.String())
				}
			}
		})
	}
}
