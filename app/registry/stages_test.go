package registry_test

import (
	"bytes"
	"slices"
	"testing"

	"powerwatch/app/registry"
	"powerwatch/store"
)

// TestImportTreatmentStages: the 关联治理设施 cell in the stage syntax becomes
// links with their groups and the facility's links confirmed; 间接用电 may be
// linked; the export writes the same cell back.
func TestImportTreatmentStages(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	rows := []string{
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,1号窑,生产,300,\"喷淋塔+2of3(A线,B线,C线(备))\",010000A8900016F000169DC2,123456,e1,,,,10,40,,2026-03-01",
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,窑尾风机,间接用电,90,喷淋塔,010000A8900016F000169DC2,123456,e2,,,,5,20,,2026-03-01",
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,喷淋塔,治理,30,,010000A8900016F000169DC2,123456,e3,,,,2,8,DA001,2026-03-01",
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,A线,治理,30,,010000A8900016F000169DC2,123456,e4,,,,2,8,DA001,2026-03-01",
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,B线,治理,30,,010000A8900016F000169DC2,123456,e5,,,,2,8,DA001,2026-03-01",
		"朝阳区,北京丙建材有限公司,91110105MA00000003,建材,C线,治理,30,,010000A8900016F000169DC2,123456,e6,,,,2,8,DA001,2026-03-01",
	}
	if _, err := importCSV(t, db, rows...); err != nil {
		t.Fatal(err)
	}
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.Facility{}
	for _, f := range reg.Facilities {
		byName[f.Name] = f
	}
	kiln := byName["1号窑"]
	if !kiln.LinksConfirmed {
		t.Error("imported links are not confirmed")
	}
	var got []string
	for _, l := range reg.LinksOf(kiln.ID) {
		tf, _ := reg.Facility(l.TreatmentID)
		got = append(got, tf.Name+"/"+l.Group+"/"+string(l.Role)+"/"+string(rune('0'+l.Need)))
	}
	slices.Sort(got)
	want := []string{"A线/S2/active/2", "B线/S2/active/2", "C线/S2/standby/2", "喷淋塔//active/0"}
	if !slices.Equal(got, want) {
		t.Errorf("links of 1号窑 = %v, want %v", got, want)
	}
	if len(reg.LinksOf(byName["窑尾风机"].ID)) != 1 {
		t.Error("the 间接用电 fan's link was not stored")
	}
	var out bytes.Buffer
	if err := registry.ExportRegistry(ctx, db, &out, "reg.csv"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("喷淋塔+2of3(A线,B线,C线(备))")) {
		t.Errorf("export does not write the cell back:\n%s", out.String())
	}
	bad := slices.Clone(rows)
	bad[0] = "朝阳区,北京丙建材有限公司,91110105MA00000003,建材,1号窑,生产,300,\"喷淋塔+4of3(A线,B线,C线)\",010000A8900016F000169DC2,123456,e1,,,,10,40,,2026-03-01"
	if _, err := importCSV(t, db, bad...); err == nil {
		t.Error("a 4-of-3 stage was imported")
	}
}
