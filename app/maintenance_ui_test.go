package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestMaintenanceUI(t *testing.T) {
	path := mustTaskDB(t)
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := afero.NewMemMapFs()
	m := newMaintenanceUI(db, fsys, service.DefaultConfig())
	specs := map[string]string{}
	for _, j := range m.Jobs() {
		specs[j.Name] = j.Spec
	}
	if len(specs) != 10 || specs["nightly-alarms"] != "30 6 * * *" || specs["backup"] != "0 2 * * *" || specs["weekly-communication"] != "30 8 * * 1" {
		t.Errorf("jobs = %v", specs)
	}
	if m.CheckSpec("30 8 * * 1") != nil || m.CheckSpec("30 25 * * *") == nil {
		t.Error("CheckSpec accepts hour 25 or refuses a valid spec")
	}
	p, err := m.SavePhoto(t.Context(), "电表箱.jpg", []byte("jpeg"))
	if err != nil || !strings.HasPrefix(p, "maintenance/") {
		t.Fatalf("SavePhoto = %q, %v", p, err)
	}
	if ok, _ := afero.Exists(fsys, filepath.Join(filepath.Dir(path), "files", p)); !ok {
		t.Errorf("photo not next to the database")
	}
	rs, err := db.FindRecords(t.Context(), store.RecordFilter{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("records = %d, %v", len(rs), err)
	}
	if err := m.ExportRecords(t.Context(), "/out/r.xlsx", rs); err != nil {
		t.Fatal(err)
	}
	if err := m.PrintRecord(t.Context(), "/out/r.pdf", rs[0]); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"/out/r.xlsx", "/out/r.pdf"} {
		if fi, err := fsys.Stat(f); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
