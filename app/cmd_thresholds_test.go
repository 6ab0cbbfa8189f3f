package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/listing"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// thresholdsDB holds a two-shift mill (stopped 0.5 kW at night and on
// weekends, idle 20 kW, running 100 kW; rated 110 kW, so its derived run
// limit 22 kW sits at the edge of its idle level) with four weeks of data,
// and a fan installed five days ago.
func thresholdsDB(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "pw.db")
	db, err := sqlite.Open(ctx, path)
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
	ent := store.Enterprise{Name: "北京乙机械厂"}
	must(db.CreateEnterprise(ctx, "t", &ent))
	term := store.Terminal{MN: "010000A8900016F000169DC1", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, "t", &term))
	now := time.Now().In(store.Beijing)
	end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, store.Beijing)
	var ss []store.Sample
	for i, f := range []struct {
		name string
		days int
	}{{"1号磨机", 28}, {"新风机", 5}} {
		fac := store.Facility{EnterpriseID: ent.ID, Name: f.name, Kind: store.Production, RatedKW: 110}
		must(db.CreateFacility(ctx, "t", &fac))
		pt := store.Point{TerminalID: term.ID, FacilityID: fac.ID, PowerCode: []string{"e10101", "e10102"}[i]}
		must(db.CreatePoint(ctx, "t", &pt))
		for at := end.AddDate(0, 0, -f.days); at.Before(end); at = at.Add(5 * time.Minute) {
			s := store.NewSample(pt.ID, at)
			s.U, s.P = 380, 100+float64(at.Minute()%3)
			switch h, wd := at.Hour(), at.Weekday(); {
			case wd == time.Saturday || wd == time.Sunday || h < 6 || h >= 22:
				s.P = 0.5
			case h == 6 || h == 12 || h == 14:
				s.P = 20 + 0.2*float64(at.Minute()%2)
			}
			ss = append(ss, s)
		}
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestThresholdsProposeCommand(t *testing.T) {
	path := thresholdsDB(t)
	code, out, errOut := runCLI(t, "thresholds", "propose", "--db", path, "--replay-days", "0", "--format", "json")
	if code != 0 {
		t.Fatalf("thresholds propose = %d, %q", code, errOut)
	}
	var rows []listing.ProposalRow
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r listing.ProposalRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2: %s", len(rows), out)
	}
	mill, fan := rows[0], rows[1]
	if mill.Status != "proposed" || len(mill.Modes) != 3 || !(mill.Stop > 0.6 && mill.Stop < 19) || !(mill.Run > 21 && mill.Run < 95) {
		t.Errorf("mill: %+v; want three modes, stop between 0.5 and 20 kW, run between 20 and 100 kW", mill)
	}
	if mill.Derived == nil || mill.Derived[1] != 22 || mill.Current != [2]float64{5.5, 22} {
		t.Errorf("mill: derived %v, current %v; want 5.5/22", mill.Derived, mill.Current)
	}
	if fan.Status != "too_little" || fan.Reason == "" || fan.Stop != 0 {
		t.Errorf("fan: %+v; want too little data, a reason, no limits", fan)
	}

	code, out, errOut = runCLI(t, "thresholds", "propose", "--db", path, "--enterprise", "北京乙机械厂", "--replay-days", "7", "--format", "csv")
	if code != 0 {
		t.Fatalf("csv = %d, %q", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "facility_id" || len(recs[1]) != len(recs[0]) {
		t.Fatalf("csv: %v, %q", err, out)
	}
	if recs[1][1] != "1号磨机" || recs[1][20] == "" {
		t.Errorf("csv row %q: want the mill with its replayed alarm counts", recs[1])
	}

	for _, bad := range [][]string{{"--format", "xml"}, {"--enterprise", "无此企业"}, {"--days", "3"}} {
		if code, _, errOut := runCLI(t, append([]string{"thresholds", "propose", "--db", path}, bad...)...); code != 2 {
			t.Errorf("%v = %d, %q; want a usage error", bad, code, errOut)
		}
	}
}
