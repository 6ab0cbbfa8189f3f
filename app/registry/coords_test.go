package registry_test

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"powerwatch/app/registry"
	"powerwatch/geo"
	"powerwatch/store"
)

// coordFile is a foundry on two rows with the coordinate columns extraHeader
// appended, first and second being those cells of each row.
func coordFile(extraHeader, first, second string) *bytes.Reader {
	h := "企业名称,设施名称,设施类型,额定功率kW,MN,功率因子," + extraHeader
	rows := []string{
		"北京甲铸造有限公司,1号熔炉,生产,200,010000A8900016F000169DC0,e10101," + first,
		"北京甲铸造有限公司,布袋除尘器,治理,55,010000A8900016F000169DC0,e10102," + second,
	}
	return bytes.NewReader([]byte(h + "\n" + strings.Join(rows, "\n") + "\n"))
}

func TestImportCoordinates(t *testing.T) {
	tiananmenWGS := geo.Point{Lng: 116.391263, Lat: 39.907705}
	tiananmenGCJ := geo.ToGCJ02(tiananmenWGS)
	gcjCells := func(p geo.Point) string { return ftoa(p.Lng) + "," + ftoa(p.Lat) }
	tests := []struct {
		name          string
		header        string
		first, second string
		want          geo.Point // zero: no position stored
		wantErrs      []string  // substrings of the RowErrors, in order
	}{
		{name: "wgs84", header: "经度,纬度", first: "116.391263,39.907705", second: ",", want: tiananmenWGS},
		{name: "english headers", header: "longitude,latitude", first: "116.391263,39.907705", second: "116.391263,39.907705", want: tiananmenWGS},
		{name: "gcj02 converted", header: "经度(GCJ-02),纬度(GCJ-02)", first: gcjCells(tiananmenGCJ), second: ",", want: tiananmenWGS},
		{name: "gcj02 fullwidth brackets", header: "经度（GCJ-02）,纬度（GCJ-02）", first: gcjCells(tiananmenGCJ), second: ",", want: tiananmenWGS},
		{name: "empty keeps nothing", header: "经度,纬度", first: ",", second: ","},
		{name: "not a number", header: "经度,纬度", first: "116.39E,39.9", second: ",",
			wantErrs: []string{`第 2 行 (row 2), 列 经度 (lng): "116.39E" 不是十进制度数`}},
		{name: "half a pair", header: "经度,纬度", first: "116.39,", second: ",",
			wantErrs: []string{`第 2 行 (row 2), 列 纬度 (lat): 经度和纬度须同时填写`}},
		{name: "outside beijing", header: "经度,纬度", first: ",", second: "121.47,31.23",
			wantErrs: []string{`第 3 行 (row 3), 列 经度 (lng): (121.47, 31.23) 不在北京范围内`}},
		{name: "swapped", header: "经度,纬度", first: "39.9,116.4", second: ",",
			wantErrs: []string{"经纬度是否填反了"}},
		{name: "gcj outside", header: "经度(GCJ-02),纬度(GCJ-02)", first: "0,0", second: ",",
			wantErrs: []string{`第 2 行 (row 2), 列 经度(GCJ-02) (lng_gcj02): (0, 0) 不在北京范围内`}},
		{name: "rows disagree", header: "经度,纬度", first: "116.39,39.9", second: "116.40,39.9",
			wantErrs: []string{`第 3 行 (row 3), 列 经度 (lng): 与第 2 行不一致`}},
		{name: "mixed datums", header: "经度,纬度(GCJ-02)", first: "116.39,39.9", second: ",",
			wantErrs: []string{`第 1 行 (row 1), 列 经度/纬度 (lng/lat): 经纬度只能用一种坐标系`}},
		{name: "one column", header: "经度", first: "116.39", second: "",
			wantErrs: []string{`经度和纬度两列须同时提供`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			_, err := registry.ImportRegistry(t.Context(), db, who, coordFile(tt.header, tt.first, tt.second), "reg.csv", false, registry.Limits{})
			if tt.wantErrs != nil {
				var rerrs registry.RowErrors
				if !errors.As(err, &rerrs) || len(rerrs) != len(tt.wantErrs) {
					t.Fatalf("err = %v, want %d row errors", err, len(tt.wantErrs))
				}
				for i, want := range tt.wantErrs {
					if !strings.Contains(rerrs[i].Error(), want) {
						t.Errorf("error %d = %q, want it to contain %q", i, rerrs[i].Error(), want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			es, err := db.FindEnterprises(t.Context(), store.EnterpriseFilter{})
			if err != nil || len(es) != 1 {
				t.Fatalf("enterprises = %v, %v", es, err)
			}
			got := geo.Point{Lng: es[0].Longitude, Lat: es[0].Latitude}
			if math.Abs(got.Lng-tt.want.Lng) > 2e-6 || math.Abs(got.Lat-tt.want.Lat) > 2e-6 {
				t.Errorf("stored position %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCoordinatesRoundTrip exports a registry with positions and imports the
// export again: the columns are there, in WGS-84, and nothing changes.
func TestCoordinatesRoundTrip(t *testing.T) {
	db := MustOpenDB(t)
	gcj := geo.ToGCJ02(geo.Point{Lng: 116.45, Lat: 39.92})
	if _, err := registry.ImportRegistry(t.Context(), db, who, coordFile("经度(GCJ-02),纬度(GCJ-02)",
		ftoa(gcj.Lng)+","+ftoa(gcj.Lat), ","), "reg.csv", false, registry.Limits{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := registry.ExportRegistry(t.Context(), db, &out, "reg.csv"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(out.String(), "\ufeff"), "\n")
	if !strings.HasSuffix(strings.TrimSpace(lines[0]), ",经度,纬度") || !strings.HasSuffix(strings.TrimSpace(lines[1]), ",116.45,39.92") {
		t.Errorf("export header %q, first row %q: want 经度,纬度 at the end, in WGS-84", lines[0], lines[1])
	}
	sum, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(out.Bytes()), "reg.csv", false, registry.Limits{})
	if err != nil || sum.Changed() {
		t.Errorf("re-import of the export: %v, %v", sum, err)
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
