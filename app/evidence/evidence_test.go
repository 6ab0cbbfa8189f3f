package evidence_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"powerwatch/app/evidence"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const who = "test"

// district is one enterprise with a furnace and its dust filter on one
// terminal, 4 hours of data (the filter off from 02:00 to 02:40), raw packets
// of which one failed its CRC, and the confirmed treatment_off alarm.
func district(t testing.TB) (*sqlite.DB, store.Alarm) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, store.Beijing)
	ent := store.Enterprise{Name: "北京恒达铸造有限公司", USCC: "91110105MA00000001", Address: "朝阳区金盏乡1号"}
	must(db.CreateEnterprise(ctx, who, &ent))
	prod := store.Facility{EnterpriseID: ent.ID, Name: "1号熔炉", Kind: store.Production, RatedKW: 200}
	must(db.CreateFacility(ctx, who, &prod))
	treat := store.Facility{EnterpriseID: ent.ID, Name: "布袋除尘器", Kind: store.Treatment, RatedKW: 55}
	must(db.CreateFacility(ctx, who, &treat))
	must(db.CreateLink(ctx, who, &store.Link{ProductionID: prod.ID, TreatmentID: treat.ID}))
	term := store.Terminal{MN: "010000A8900016F000169DC0", Password: "123456", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, who, &term))
	pp := store.Point{TerminalID: term.ID, FacilityID: prod.ID, Name: "熔炉", PowerCode: "e10101"}
	must(db.CreatePoint(ctx, who, &pp))
	pt := store.Point{TerminalID: term.ID, FacilityID: treat.ID, Name: "除尘", PowerCode: "e10102"}
	must(db.CreatePoint(ctx, who, &pt))
	must(db.CreateThreshold(ctx, who, &store.Threshold{FacilityID: treat.ID, Basis: store.ByPower, Stop: 3, Run: 10,
		MinPersist: 10 * time.Minute, EffectiveFrom: t0.Add(-24 * time.Hour)}))
	var b store.Batch
	for i := 0; i < 48; i++ {
		at := t0.Add(time.Duration(i) * 5 * time.Minute)
		p, q := store.NewSample(pp.ID, at), store.NewSample(pt.ID, at)
		p.P, q.P = 150, 40
		if at.Sub(t0) >= 2*time.Hour && at.Sub(t0) < 2*time.Hour+40*time.Minute {
			q.P = 0.5
		}
		b.Samples = append(b.Samples, p, q)
		dt := at.In(store.Beijing).Format("20060102150405")
		b.Packets = append(b.Packets, store.RawPacket{MN: term.MN, ST: "22", CN: "2051", QN: dt + "000", DataTime: at,
			ReceivedAt: at.Add(5*time.Minute + 2*time.Second), CRCOK: i != 25,
			Frame: []byte("##0120QN=" + dt + "000;ST=22;CN=2051;PW=123456;MN=" + term.MN + ";Flag=4;CP=&&DataTime=" + dt + ";e10101-Avg=150&&4C01")})
	}
	if _, err := db.Ingest(ctx, &b); err != nil {
		t.Fatal(err)
	}
	a := store.Alarm{Type: store.TreatmentOff, Grade: store.Major, Status: store.Ended, EnterpriseID: ent.ID,
		ProductionID: prod.ID, TreatmentID: treat.ID, Start: t0.Add(2 * time.Hour), End: t0.Add(2*time.Hour + 40*time.Minute),
		RuleVersion: 1, Thresholds: `{"treatment_off_min":"15m","treatment_stop_kw":3}`, Detail: "熔炉运行而布袋除尘器停机40分钟"}
	rs := store.RuleSet{Slot: 5 * time.Minute, GapBridge: 10 * time.Minute, TreatmentOffMin: 15 * time.Minute, ShutdownIgnoredMin: 30 * time.Minute,
		CutBaseline: store.BaselineWeekdays, CutMarginPct: 10, CutMin: time.Hour, MajorAfter: 30 * time.Minute, SevereAfter: 2 * time.Hour,
		RedAtLeast: store.Major, OfflineAfter: 30 * time.Minute, TransmissionMin: 0.9, ConstantFor: 2 * time.Hour, OverRatedFactor: 1.5,
		JumpRatedFactor: 1, MismatchTolerance: 0.2, MismatchMinKW: 5, MismatchMin: 30 * time.Minute, ClockTolerance: 5 * time.Minute,
		SubmeterTolerance: 0.05, SubmeterMinKWh: 1, Note: "试行"}
	if err := db.SaveRuleSet(ctx, who, &rs); err != nil {
		t.Fatal(err)
	}
	a.RuleVersion = rs.Version
	ins, err := db.ReconcileAlarms(ctx, store.AlarmScope{From: t0, To: t0.Add(24 * time.Hour)}, []store.Alarm{a})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReviewAlarm(ctx, ins[0].ID, store.Confirmed, "现场检查属实", "张科长"); err != nil {
		t.Fatal(err)
	}
	got, err := db.AlarmByID(ctx, ins[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return db, got
}

func TestExport(t *testing.T) {
	db, a := district(t)
	dir := filepath.Join(t.TempDir(), "evidence")
	key := mustKey(t)
	m, err := evidence.Export(t.Context(), db, a.ID, dir, evidence.Options{Margin: time.Hour, Who: "李四", Key: key,
		Now: func() time.Time { return time.Date(2026, 11, 3, 9, 0, 0, 0, store.Beijing) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 5 {
		t.Fatalf("manifest lists %d files, want 5", len(m.Files))
	}
	// The hashes, recomputed here, match the manifest (and Verify agrees).
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != f.SHA256 || int64(len(data)) != f.Size {
			t.Errorf("%s: sha256 %x size %d, manifest %s size %d", f.Name, h, len(data), f.SHA256, f.Size)
		}
	}
	if _, err := evidence.Verify(dir, key.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("Verify of an untouched folder: %v", err)
	}
	// 01:00–03:40: 32 packets, one with a bad CRC; 32 slots of two points.
	raw, _ := os.ReadFile(filepath.Join(dir, evidence.FileRaw))
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 33 || strings.Count(string(raw), ",false,") != 1 {
		t.Errorf("%s: %d lines, %d with a bad CRC; want header + 32, 1 bad", evidence.FileRaw, len(lines), strings.Count(string(raw), ",false,"))
	}
	series, _ := os.ReadFile(filepath.Join(dir, evidence.FileSeries))
	if n := strings.Count(string(series), "\n"); n != 1+2*32 {
		t.Errorf("%s: %d lines, want header + 64", evidence.FileSeries, n)
	}

	if path, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (Debian poppler-utils) is not installed: the PDF's text is not checked")
	} else {
		out, err := exec.Command(path, "-enc", "UTF-8", filepath.Join(dir, evidence.FilePDF), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"北京恒达铸造有限公司", "1号熔炉", "布袋除尘器", "治污设施未同步运行", "2026-11-02 02:00:00",
			"2026-11-02 02:40:00", "熔炉运行而布袋除尘器停机40分钟", "张科长", "现场检查属实", "确认违法", "treatment_stop_kw",
			"试行", "最短持续 15 分钟 规则集",
			// the production furnace has no threshold of its own: the one derived from its 200 kW, marked so
			"1号熔炉 （生产） 停机阈值 10.0 kW 推导", "布袋除尘器 （治污） 运行阈值 10.0 kW 录入 2026-11-01 00:00", m.Fingerprint, m.PublicKey[:20]} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text has no %q:\n%s", want, text)
			}
		}
	}

	// Change one byte of one file: Verify names it.
	p := filepath.Join(dir, evidence.FileSeries)
	series[len(series)-2] ^= 1
	if err := os.WriteFile(p, series, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.Verify(dir, nil); !errors.Is(err, evidence.ErrModified) || !strings.Contains(err.Error(), evidence.FileSeries) {
		t.Errorf("Verify after a change = %v, want ErrModified naming %s", err, evidence.FileSeries)
	}
	if _, err := evidence.Export(t.Context(), db, a.ID, dir, evidence.Options{Who: who, Key: key}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("export into a full folder = %v, want ErrConflict", err)
	}
	if err := evidence.Zip(dir, dir+".zip"); err != nil {
		t.Error(err)
	}
}

// BenchmarkExport is the 导出证据 click: PDF with chart, raw packets, series
// and manifest of an alarm with 2 h of context around it (32 packets, 64 slots).
func BenchmarkExport(b *testing.B) {
	db, a := district(b)
	key := mustKey(b)
	root := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(root, strconv.Itoa(i))
		if _, err := evidence.Export(b.Context(), db, a.ID, dir, evidence.Options{Margin: time.Hour, Who: "bench", Compress: true, Key: key}); err != nil {
			b.Fatal(err)
		}
	}
}
