package maintenance_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestPruneKeepsExactlyTheRightFiles(t *testing.T) {
	fsys := afero.NewMemMapFs()
	dir := "/data/backups"
	last := bj("2026-11-29 02:00") // a Sunday
	var all []string
	for d := last.AddDate(0, 0, -400); !d.After(last); d = d.AddDate(0, 0, 1) {
		name := "powerwatch-" + d.Format("20060102-150405") + ".db"
		all = append(all, name)
		afero.WriteFile(fsys, filepath.Join(dir, name), []byte("x"), 0o644)
	}
	// A second backup on the last day (made by hand): the newer one is the day's.
	afero.WriteFile(fsys, filepath.Join(dir, "powerwatch-20261129-153000.db"), []byte("x"), 0o644)
	afero.WriteFile(fsys, filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o644)
	fsys.MkdirAll(filepath.Join(dir, "old"), 0o755)

	removed, err := maintenance.Prune(fsys, dir, maintenance.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// monthly: the newest of each of the last 12 months
		"20251231", "20260131", "20260228", "20260331", "20260430", "20260531",
		"20260630", "20260731", "20260831", "20260930", "20261031",
		// weekly: the newest of each of the last 4 ISO weeks (Sundays; this week's is the 29th)
		"20261108", "20261115",
		// daily: the last 7 days; the 22nd is also a weekly
		"20261122", "20261123", "20261124", "20261125", "20261126", "20261127", "20261128",
	}
	var wantNames []string
	for _, d := range want {
		wantNames = append(wantNames, "powerwatch-"+d+"-020000.db")
	}
	wantNames = append(wantNames, "powerwatch-20261129-153000.db")
	infos, _ := afero.ReadDir(fsys, dir)
	var got []string
	for _, fi := range infos {
		got = append(got, fi.Name())
	}
	slices.Sort(wantNames)
	wantAll := append(slices.Clone(wantNames), "notes.txt", "old")
	slices.Sort(wantAll)
	if !slices.Equal(got, wantAll) {
		t.Errorf("kept %d:\n%v\nwant %d:\n%v", len(got), got, len(wantAll), wantAll)
	}
	if len(removed) != len(all)+1-len(wantNames) {
		t.Errorf("removed %d; want %d", len(removed), len(all)+1-len(wantNames))
	}
	// Pruning again removes nothing.
	if again, err := maintenance.Prune(fsys, dir, maintenance.DefaultRetention); err != nil || len(again) != 0 {
		t.Errorf("second prune removed %v, %v", again, err)
	}
}

func TestRetentionKeep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     maintenance.Retention
		files []string
		want  []string
	}{
		{"nothing", maintenance.DefaultRetention, nil, nil},
		{"not backups are not kept or counted", maintenance.Retention{Daily: 1}, []string{"a.db", "powerwatch-2026.db", "powerwatch-20261101-020000.db"},
			[]string{"powerwatch-20261101-020000.db"}},
		{"daily 2 over gaps counts days with a backup", maintenance.Retention{Daily: 2},
			[]string{"powerwatch-20261101-020000.db", "powerwatch-20261110-020000.db", "powerwatch-20261120-020000.db"},
			[]string{"powerwatch-20261120-020000.db", "powerwatch-20261110-020000.db"}},
		{"monthly only", maintenance.Retention{Monthly: 2},
			[]string{"powerwatch-20260901-020000.db", "powerwatch-20261001-020000.db", "powerwatch-20261031-020000.db", "powerwatch-20261101-020000.db"},
			[]string{"powerwatch-20261101-020000.db", "powerwatch-20261031-020000.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.Keep(tc.files); !slices.Equal(got, tc.want) {
				t.Errorf("Keep = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestBackupOpensAndPassesQuickCheck(t *testing.T) {
	d := mustDistrict(t, "北京某某铸造有限公司")
	ctx := t.Context()
	d.feed(t, 0, bj("2026-11-01 00:00"), bj("2026-11-02 00:00"), func(time.Time) float64 { return 42 })
	dir := filepath.Join(t.TempDir(), "backups")
	fsys := afero.NewOsFs()
	// An old backup that retention drops once today's exists.
	os.MkdirAll(dir, 0o755)
	old := filepath.Join(dir, "powerwatch-20240101-020000.db")
	os.WriteFile(old, []byte("old"), 0o644)
	res, err := maintenance.Backup(ctx, d.db, sqlite.CheckFile, fsys, dir, maintenance.Retention{Daily: 1})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(res.Path) != dir || len(res.Removed) != 1 || res.Removed[0] != filepath.Base(old) {
		t.Fatalf("backup = %+v", res)
	}
	if err := sqlite.CheckFile(ctx, res.Path); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(ctx, res.Path) // Open runs quick_check too
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ents, err := b.FindEnterprises(ctx, store.EnterpriseFilter{})
	if err != nil || len(ents) != 1 || ents[0].Name != "北京某某铸造有限公司" {
		t.Fatalf("enterprises in the backup = %+v, %v", ents, err)
	}
	ss, err := b.Samples(ctx, d.points[0].ID, bj("2026-11-01 00:00"), bj("2026-11-02 00:00"))
	if err != nil || len(ss) != 288 {
		t.Fatalf("samples in the backup = %d, %v; want 288", len(ss), err)
	}
}

func TestCheckFileRejectsGarbage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "powerwatch-20261101-020000.db")
	os.WriteFile(p, []byte("this is not a database, just text that is long enough to be read"), 0o644)
	if err := sqlite.CheckFile(t.Context(), p); err == nil {
		t.Fatal("no error for a text file")
	}
}

type badBackuper struct{ fsys afero.Fs }

func (b badBackuper) Backup(_ context.Context, dir string) (string, error) {
	p := filepath.Join(dir, "powerwatch-20261129-020000.db")
	return p, afero.WriteFile(b.fsys, p, []byte("truncated"), 0o644)
}

func TestBackupFailingCheckPrunesNothing(t *testing.T) {
	fsys := afero.NewMemMapFs()
	dir := "/b"
	for _, n := range []string{"powerwatch-20261101-020000.db", "powerwatch-20261102-020000.db"} {
		afero.WriteFile(fsys, filepath.Join(dir, n), []byte("x"), 0o644)
	}
	check := func(context.Context, string) error { return store.ErrCorrupt }
	_, err := maintenance.Backup(t.Context(), badBackuper{fsys}, check, fsys, dir, maintenance.Retention{Daily: 1})
	if !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("err = %v; want ErrCorrupt", err)
	}
	infos, _ := afero.ReadDir(fsys, dir)
	if len(infos) != 2 {
		t.Fatalf("files after a failed backup = %d; want the 2 old ones", len(infos))
	}
}

// TestBackupIncrementalRetainsThirtyNights: 35 nightly incremental backups
// with data added each day and a 30-day retention leave 30 records, each
// restoring to its night's data, with nothing but records and the image in
// the folder.
func TestBackupIncrementalRetainsThirtyNights(t *testing.T) {
	ctx := t.Context()
	d := mustDistrict(t, "北京某某铸造有限公司")
	dir := filepath.Join(t.TempDir(), "backups")
	first := bj("2026-10-01 02:00")
	kw := func(time.Time) float64 { return 42 }
	var kept []maintenance.BackupResult
	for n := range 35 {
		night := first.AddDate(0, 0, n)
		d.db.Now = func() time.Time { return night }
		d.feed(t, 0, night.Add(-26*time.Hour), night.Add(-2*time.Hour), kw)
		res, err := maintenance.BackupIncremental(ctx, d.db, sqlite.CheckBackup, afero.NewOsFs(), dir, maintenance.Retention{Daily: 30})
		if err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
		kept = append(kept, res)
	}
	infos, _ := os.ReadDir(dir)
	var records []string
	for _, fi := range infos {
		if filepath.Ext(fi.Name()) == maintenance.IncrementalExt {
			records = append(records, fi.Name())
		}
	}
	if len(records) != 30 {
		t.Fatalf("%d records kept; want 30: %v", len(records), records)
	}
	for _, n := range []int{5, 20, 34} { // the oldest kept, one in the middle, the newest
		dst := filepath.Join(t.TempDir(), "restored.db")
		if _, err := sqlite.Restore(ctx, kept[n].Path, dst); err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.Open(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		night := first.AddDate(0, 0, n)
		ss, err := db.Samples(ctx, d.points[0].ID, first.AddDate(0, 0, -2), night.AddDate(0, 0, 2))
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := (n + 1) * 288; len(ss) != want {
			t.Errorf("backup of night %d restores %d samples; want %d", n, len(ss), want)
		}
	}
}
