package maintenance_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

// TestOffice: the paperwork the 运维 view and the CLI share, on a real
// database and an in-memory folder: a photo kept under files/, records
// exported and printed, a survey empty until saved, saved once into the
// enterprise's attachments however often it is saved, printed, and refused
// for an enterprise that does not exist.
func TestOffice(t *testing.T) {
	d := mustDistrict(t, "北京某铸造厂")
	ctx := t.Context()
	fsys := afero.NewMemMapFs()
	o := maintenance.Office{Store: d.db, FS: fsys, Dir: maintenance.FilesDir(d.db.Path())}
	if want := filepath.Join(filepath.Dir(d.db.Path()), "files"); o.Dir != want {
		t.Errorf("FilesDir = %s, want %s", o.Dir, want)
	}

	photo, err := o.SavePhoto(ctx, "电表箱.jpg", []byte("jpeg"))
	if err != nil || !strings.HasPrefix(photo, "maintenance/") {
		t.Fatalf("SavePhoto = %q, %v", photo, err)
	}
	if ok, _ := afero.Exists(fsys, filepath.Join(o.Dir, photo)); !ok {
		t.Errorf("photo %s not in the files folder", photo)
	}
	rec := store.MaintenanceRecord{EnterpriseID: d.ents[0].ID, PointID: d.points[0].ID, Date: bj("2026-11-02 10:00"), People: "王工",
		Checks: []store.Check{{Item: store.CheckWiring, Result: store.CheckOK}}, Photos: []string{photo}, SignedBy: "张三"}
	if err := d.db.AddRecord(ctx, who, &rec); err != nil {
		t.Fatal(err)
	}
	if err := o.ExportRecords(ctx, "/out/r.xlsx", []store.MaintenanceRecord{rec}); err != nil {
		t.Fatal(err)
	}
	if err := o.PrintRecord(ctx, "/out/r.pdf", rec); err != nil {
		t.Fatal(err)
	}

	ent := d.ents[0].ID
	s, err := o.Survey(ctx, ent)
	if err != nil || s.EnterpriseID != ent || s.Surveyors != "" {
		t.Fatalf("Survey before any was saved = %+v, %v; want an empty one", s, err)
	}
	s.Surveyors, s.Products = "李工", "铸件 3000 t"
	s.Points = []store.PointPlan{{Name: "1#熔炉进线", Facilities: []int64{d.facs[0].ID}}}
	for range 2 {
		if err := o.SaveSurvey(ctx, who, s); err != nil {
			t.Fatal(err)
		}
	}
	as, err := d.db.AttachmentsByEnterprise(ctx, ent)
	if err != nil || len(as) != 1 || as[0].Path != maintenance.SurveyPath(ent) {
		t.Errorf("attachments after two saves = %+v, %v; want the survey once", as, err)
	}
	if got, err := o.Survey(ctx, ent); err != nil || got.Surveyors != "李工" {
		t.Errorf("Survey after save = %+v, %v", got, err)
	}
	if _, err := o.DesignWarnings(ctx, s); err != nil {
		t.Errorf("DesignWarnings: %v", err)
	}
	if err := o.PrintSurvey(ctx, "/out/survey.pdf", s); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"/out/r.xlsx", "/out/r.pdf", "/out/survey.pdf"} {
		if fi, err := fsys.Stat(f); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := o.PrintSurvey(ctx, "/out/none.pdf", store.Survey{EnterpriseID: 999}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PrintSurvey of enterprise 999 = %v, want ErrNotFound", err)
	}
}
