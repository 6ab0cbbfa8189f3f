package main

import (
	"path/filepath"
	"strings"
	"testing"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestRegistryLinksCommand: a facility with two ungrouped links stored
// before the stage syntax is listed with a warning until --confirm.
func TestRegistryLinksCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ent := store.Enterprise{Name: "北京甲铸造有限公司"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateEnterprise(t.Context(), "t", &ent))
	prod := store.Facility{EnterpriseID: ent.ID, Name: "1号熔炉", Kind: store.Production}
	must(db.CreateFacility(t.Context(), "t", &prod))
	for _, n := range []string{"喷淋塔", "活性炭"} {
		f := store.Facility{EnterpriseID: ent.ID, Name: n, Kind: store.Treatment}
		must(db.CreateFacility(t.Context(), "t", &f))
		must(db.CreateLink(t.Context(), "t", &store.Link{ProductionID: prod.ID, TreatmentID: f.ID, Role: store.Active}))
	}
	must(db.Close())

	code, out, errOut := runCLI(t, "registry", "links", "--db", path)
	if code != 0 || !strings.Contains(out, `1号熔炉 关联 "喷淋塔|活性炭" 未确认`) {
		t.Fatalf("registry links = %d, %q, %q; want the unconfirmed facility", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "registry", "links", "--db", path, "--confirm", "x"); code != 2 {
		t.Errorf("--confirm x = %d, %q; want a usage error", code, errOut)
	}
	if code, out, errOut := runCLI(t, "registry", "links", "--db", path, "--confirm", "1"); code != 0 || !strings.Contains(out, "已确认 1号熔炉") {
		t.Fatalf("--confirm 1 = %d, %q, %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "registry", "links", "--db", path); code != 0 || !strings.Contains(out, "均已确认") {
		t.Errorf("after confirming: %d, %q", code, out)
	}
}
