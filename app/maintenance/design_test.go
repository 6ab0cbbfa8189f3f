package maintenance_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

// A foundry: two furnaces and a kiln, a dust collector for the furnaces with
// a standby, a desulfurizer for the kiln.
var (
	furnace1 = store.Facility{ID: 1, EnterpriseID: 1, Name: "1#熔炉", Kind: store.Production, RatedKW: 400}
	furnace2 = store.Facility{ID: 2, EnterpriseID: 1, Name: "2#熔炉", Kind: store.Production, RatedKW: 400}
	kiln     = store.Facility{ID: 3, EnterpriseID: 1, Name: "焙烧窑", Kind: store.Production, RatedKW: 250}
	dust     = store.Facility{ID: 4, EnterpriseID: 1, Name: "布袋除尘器", Kind: store.Treatment, RatedKW: 90, Outlet: "DA001"}
	dust2    = store.Facility{ID: 5, EnterpriseID: 1, Name: "备用除尘器", Kind: store.Treatment, RatedKW: 90, Outlet: "DA001"}
	desulf   = store.Facility{ID: 6, EnterpriseID: 1, Name: "脱硫塔", Kind: store.Treatment, RatedKW: 55, Outlet: "DA002"}
	foundry  = []store.Facility{furnace1, furnace2, kiln, dust, dust2, desulf}
	links    = []store.Link{
		{ProductionID: 1, TreatmentID: 4, Role: store.Active}, {ProductionID: 2, TreatmentID: 4, Role: store.Active},
		{ProductionID: 1, TreatmentID: 5, Role: store.Standby}, {ProductionID: 3, TreatmentID: 6, Role: store.Active},
	}
)

func goodPoints() []store.PointPlan {
	return []store.PointPlan{
		{Name: "P1 1#熔炉", Facilities: []int64{1}, Supply: store.SupplySingle, BreakerA: 800},
		{Name: "P2 2#熔炉", Facilities: []int64{2}, Supply: store.SupplySingle, BreakerA: 800},
		{Name: "P3 焙烧窑+脱硫", Facilities: []int64{3, 6}, Supply: store.SupplySingle, BreakerA: 630},
		{Name: "P4 除尘", Facilities: []int64{4, 5}, Supply: store.SupplyStandby, BreakerA: 250},
	}
}

func TestCheckDesign(t *testing.T) {
	order := store.Order{EnterpriseID: 1, Kind: store.Shutdown, FacilityIDs: []int64{1, 2}}
	whole := store.Order{EnterpriseID: 1, Kind: store.Cut}
	for _, tc := range []struct {
		name  string
		edit  func(d *maintenance.Design)
		rules []string
		in    string // a part of the first message
	}{
		{"good design", func(d *maintenance.Design) {}, nil, ""},
		{"controlled furnace without a point", func(d *maintenance.Design) { d.Points = d.Points[1:] },
			[]string{"own-point"}, "1#熔炉 有停产/限产要求，但没有监测点位"},
		{"two furnaces on one point", func(d *maintenance.Design) {
			d.Points = append([]store.PointPlan{{Name: "P12", Facilities: []int64{1, 2}}}, d.Points[2:]...)
		}, []string{"own-point", "own-point"}, "1#熔炉 有停产/限产要求，应单独监测"},
		{"whole-enterprise order covers the kiln, which shares with its treatment only", func(d *maintenance.Design) {
			d.Orders = []store.Order{whole}
		}, nil, ""},
		{"must switch together but two points", func(d *maintenance.Design) {
			d.Points[2].Facilities = []int64{3}
			d.Points = append(d.Points, store.PointPlan{Name: "P5 脱硫", Facilities: []int64{6}})
		}, []string{"integrated"}, "焙烧窑 与 脱硫塔 必须同时开关"},
		{"auxiliary load of 400 kW", func(d *maintenance.Design) { d.Points[1].SharedAuxKW = 400 },
			[]string{"shared-aux"}, "400 kW 辅助设施同路供电"},
		{"auxiliary load of exactly 350 kW is allowed", func(d *maintenance.Design) { d.Points[1].SharedAuxKW = 350 }, nil, ""},
		{"standby after the bus", func(d *maintenance.Design) { d.Points[3].AfterBus = true },
			[]string{"standby-bus"}, "应设在设施总线前端"},
		{"single supply after the bus is fine", func(d *maintenance.Design) { d.Points[0].AfterBus = true }, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := maintenance.Design{Facilities: foundry, Links: links, Orders: []store.Order{order}, Points: goodPoints(),
				SwitchTogether: [][2]int64{{3, 6}}}
			tc.edit(&d)
			ws := maintenance.CheckDesign(d)
			var rules []string
			for _, w := range ws {
				rules = append(rules, w.Rule)
			}
			if !reflect.DeepEqual(rules, tc.rules) {
				t.Fatalf("rules = %v; want %v (%+v)", rules, tc.rules, ws)
			}
			if tc.in != "" && !strings.Contains(ws[0].Message, tc.in) {
				t.Errorf("message %q lacks %q", ws[0].Message, tc.in)
			}
		})
	}
}

func TestRelations(t *testing.T) {
	rs := maintenance.Relations(foundry, links)
	if len(rs) != 3 || rs[0].Outlet != "DA001" || rs[2].Outlet != "DA002" {
		t.Fatalf("relations = %+v", rs)
	}
	// DA001: 备用除尘器 (standby of furnace 1), then 布袋除尘器 (both furnaces).
	if rs[0].Treatment.Name != "备用除尘器" || len(rs[0].Production) != 1 || rs[0].Roles[0] != store.Standby {
		t.Errorf("DA001 standby = %+v", rs[0])
	}
	if rs[1].Treatment.Name != "布袋除尘器" || len(rs[1].Production) != 2 {
		t.Errorf("DA001 active = %+v", rs[1])
	}
}

func TestSurveySaveLoad(t *testing.T) {
	fsys := afero.NewMemMapFs()
	s := store.Survey{EnterpriseID: 7, Date: bj("2026-03-01 09:00"), Surveyors: "王工", Products: "灰铸铁件 1.2 万吨/年",
		Points: goodPoints(), SwitchTogether: [][2]int64{{3, 6}}, Photos: []string{"enterprises/7/box.jpg"}}
	rel, err := maintenance.SaveSurvey(fsys, "/files", s)
	if err != nil || rel != "enterprises/7/survey.json" {
		t.Fatalf("SaveSurvey = %q, %v", rel, err)
	}
	got, err := maintenance.LoadSurvey(fsys, "/files", 7)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Date.Equal(s.Date) {
		t.Errorf("date %v; want %v", got.Date, s.Date)
	}
	got.Date = s.Date
	if !reflect.DeepEqual(got, s) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, s)
	}
	if _, err := maintenance.LoadSurvey(fsys, "/files", 8); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing survey: %v", err)
	}
	afero.WriteFile(fsys, "/files/enterprises/9/survey.json", []byte("{\n\"EnterpriseID\": 9,\n\"Colour\": 1}"), 0o644)
	if _, err := maintenance.LoadSurvey(fsys, "/files", 9); err == nil || !strings.Contains(err.Error(), "Colour") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestInstallationReportPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (Debian poppler-utils) not installed")
	}
	fsys := afero.NewMemMapFs()
	points := goodPoints()
	points[1].SharedAuxKW = 400
	doc := maintenance.ReportDoc{
		Enterprise: store.Enterprise{ID: 1, Name: "北京某某铸造有限公司", USCC: "91110105MA00000001", Address: "东湖路 12 号", Contact: "王工", Grade: "B"},
		Region:     "朝阳区", Industry: "3391 黑色金属铸造",
		Facilities: foundry, Links: links, Orders: []store.Order{{EnterpriseID: 1, Kind: store.Shutdown, FacilityIDs: []int64{1, 2}}},
		Survey: store.Survey{EnterpriseID: 1, Date: bj("2026-03-01 09:00"), Surveyors: "王工, 李工",
			Products: "灰铸铁件 1.2 万吨/年", Pattern: "两班制，冬季停产", ProcessFlow: "熔炼→浇注→清砂", Points: points,
			SwitchTogether: [][2]int64{{3, 6}}, Emergency: "橙色预警：1#、2#熔炉停产"},
	}
	var buf bytes.Buffer
	if err := maintenance.WriteInstallationReportPDF(&buf, doc, fsys, "/files", true); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-layout", p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"现场勘察及安装报告", "北京某某铸造有限公司", "91110105MA00000001", "朝阳区", "灰铸铁件", "两班制",
		"熔炼→浇注→清砂", "产治排关系", "DA001", "布袋除尘器", "1#熔炉（用）", "1#熔炉（备）", "监测点位设计", "P3 焙烧窑+脱硫", "630",
		"主备用", "点位设计检查", "400 kW 辅助设施同路供电", "橙色预警"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", text)
	}
}
