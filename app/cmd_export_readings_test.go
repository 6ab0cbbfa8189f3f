package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/app/gen"
	"powerwatch/app/listing"
	"powerwatch/statsheet"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestReadingsCommands runs gen, export readings, export stats and backup
// against one generated database.
func TestReadingsCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "pw.db")
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	db, err := sqlite.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Generate(t.Context(), db, gen.Config{Points: 4, Days: 2, End: end, Seed: 2, Raw: true}); err != nil {
		t.Fatal(err)
	}
	var mn string
	db.SQL().QueryRow(`SELECT mn FROM terminals ORDER BY id LIMIT 1`).Scan(&mn)
	db.Close()
	xlsx := filepath.Join(dir, "stats.xlsx")
	backups := filepath.Join(dir, "backups")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		check    func(t *testing.T, stdout string)
	}{
		{"readings need --mn", []string{"export", "readings", "--db", dbPath, "--from", "2026-11-27", "--to", "2026-11-27"}, 2, nil},
		{"readings need a valid time", []string{"export", "readings", "--db", dbPath, "--mn", mn, "--from", "27.11.2026", "--to", "2026-11-27"}, 2, nil},
		{"readings of one code as CSV", []string{"export", "readings", "--db", dbPath, "--mn", mn, "--code", "d20501",
			"--from", "2026-11-27T08:00", "--to", "2026-11-27T08:15"}, 0, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if lines[0] != "mn,st,cn,code,suffix,datatime,value,flag" || len(lines) < 3 || len(lines) > 4 {
				t.Fatalf("csv = %q, want a header and 2–3 rows of 08:00–08:15 (a slot may be lost)", out)
			}
			if !strings.HasPrefix(lines[1], mn+",44,2011,d20501,Rtd,2026-11-27 08:0") || !strings.HasSuffix(lines[1], ",N") {
				t.Errorf("first row = %q, want the power value of 08:00 with flag N", lines[1])
			}
		}},
		{"readings as JSON", []string{"export", "readings", "--db", dbPath, "--mn", mn, "--format", "json",
			"--from", "2026-11-27T08:00", "--to", "2026-11-27T08:05"}, 0, func(t *testing.T, out string) {
			var v listing.ValueRow
			if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &v); err != nil || v.MN != mn || v.Value == "" {
				t.Errorf("first JSON line = %q (%v)", out, err)
			}
		}},
		{"stats need a known --by", []string{"export", "stats", "--db", dbPath, "--by", "street", "--from", "2026-11-26", "--to", "2026-11-27"}, 2, nil},
		{"stats by enterprise per day", []string{"export", "stats", "--db", dbPath, "--by", "enterprise", "--period", "day",
			"--from", "2026-11-26", "--to", "2026-11-27"}, 0, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if !strings.Contains(lines[0], "同比") || !strings.Contains(lines[0], "环比") || len(lines) < 3 {
				t.Fatalf("csv = %q, want 同比/环比 columns and two days", out)
			}
			if !strings.Contains(lines[1], "2026-11-26") {
				t.Errorf("first row = %q, want 2026-11-26", lines[1])
			}
		}},
		{"stats as xlsx", []string{"export", "stats", "--db", dbPath, "--by", "region", "--period", "month",
			"--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx", "--out", xlsx}, 0, func(t *testing.T, _ string) {
			f, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("用电统计")
			if err != nil || len(rows) < 2 || rows[1][2] != "2026-11" {
				t.Errorf("xlsx rows = %v, %v", rows, err)
			}
		}},
		{"stats with the day/night sheet", []string{"export", "stats", "--db", dbPath, "--by", "enterprise", "--period", "month",
			"--from", "2026-11-26", "--to", "2026-11-27", "--format", "xlsx", "--daynight", "--out", xlsx}, 0, func(t *testing.T, _ string) {
			f, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(statsheet.DayNightName)
			if err != nil || len(rows) < 2 || rows[0][2] != statsheet.DayNightHeader[2] || rows[1][2] == "" || rows[1][2] == "0" {
				t.Errorf("昼夜对比 rows = %v, %v", rows, err)
			}
		}},
		{"the day/night sheet needs xlsx", []string{"export", "stats", "--db", dbPath, "--daynight", "--from", "2026-11-26", "--to", "2026-11-27"}, 2, nil},
		{"backup", []string{"backup", "--db", dbPath, "--to", backups}, 0, func(t *testing.T, out string) {
			path := strings.TrimSpace(out)
			copyDB, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer copyDB.Close()
			raw, err := copyDB.RawPackets(t.Context(), mn, end.AddDate(0, 0, -1), end)
			if err != nil || len(raw) < 280 {
				t.Errorf("backup holds %d packets of the last day, %v", len(raw), err)
			}
		}},
		{"backup needs --to", []string{"backup", "--db", dbPath}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr)
			}
			if tt.check != nil {
				tt.check(t, stdout)
			}
		})
	}
	if _, err := os.Stat(backups); err != nil {
		t.Error(err)
	}
}
