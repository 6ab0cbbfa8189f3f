package registry

import (
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"powerwatch/geo"
	"powerwatch/store"
)

// registryColumns is the registry template, in export order.
var registryColumns = []column{
	{"district", "区", []string{"区县", "所属区", "行政区"}},
	{"enterprise", "企业名称", []string{"企业", "单位名称"}},
	{"uscc", "统一社会信用代码", []string{"信用代码", "社会信用代码"}},
	{"industry", "行业", []string{"所属行业", "行业类别"}},
	{"facility", "设施名称", []string{"设施", "监测对象"}},
	{"kind", "设施类型", []string{"类型"}},
	{"rated_kw", "额定功率kW", []string{"额定功率", "rated"}},
	{"treated_by", "关联治理设施", []string{"治理设施", "对应治理设施"}},
	{"mn", "MN", []string{"数采仪MN", "设备MN", "MN号"}},
	{"pw", "密码", []string{"password", "PW"}},
	{"power_code", "功率因子", []string{"有功功率因子", "功率编码"}},
	{"current_code", "电流因子", []string{"电流编码"}},
	{"voltage_code", "电压因子", []string{"电压编码"}},
	{"energy_code", "电量因子", []string{"电能因子", "电量编码"}},
	{"stop_kw", "停产限值kW", []string{"停机阈值", "停机阈值kW", "停产阈值kW", "stop"}},
	{"run_kw", "运行限值kW", []string{"运行阈值", "运行阈值kW", "run"}},
	{"outlet", "排口", []string{"排污口", "排放口"}},
	{"installed", "安装日期", []string{"安装时间"}},
	{"commissioned", "投运日期", []string{"投运/验收日期", "验收日期", "投运时间"}},
	{"lng", "经度", []string{"longitude", "经度WGS-84", "经度WGS84"}},
	{"lat", "纬度", []string{"latitude", "纬度WGS-84", "纬度WGS84"}},
}

// gcjColumns are the coordinates as Chinese web maps (高德, 腾讯) show them,
// in the GCJ-02 datum, 100–700 m off WGS-84 around Beijing. They are read
// and converted, never written: the export gives WGS-84.
var gcjColumns = []column{
	{"lng_gcj02", "经度(GCJ-02)", []string{"经度GCJ02", "经度(火星坐标)", "经度(高德)", "lng_gcj"}},
	{"lat_gcj02", "纬度(GCJ-02)", []string{"纬度GCJ02", "纬度(火星坐标)", "纬度(高德)", "lat_gcj"}},
}

// importColumns are the headers an imported registry may have.
var importColumns = slices.Concat(registryColumns, gcjColumns)

// kindNames maps the template's words (and the English kinds) to facility kinds.
var kindNames = map[string]store.FacilityKind{
	"生产": store.Production, "生产设施": store.Production, "产污设施": store.Production,
	"治理": store.Treatment, "治理设施": store.Treatment, "治污设施": store.Treatment,
	"产治一体": store.Integrated, "总用电": store.Total, "企业总电": store.Total,
	"间接": store.Indirect, "间接用电": store.Indirect,
}

// kindWord is the word written on export.
var kindWord = map[store.FacilityKind]string{
	store.Production: "生产", store.Treatment: "治理", store.Integrated: "产治一体",
	store.Total: "总用电", store.Indirect: "间接用电",
}

func parseKind(s string) (store.FacilityKind, bool) {
	if k, ok := kindNames[s]; ok {
		return k, true
	}
	k := store.FacilityKind(strings.ToLower(s))
	_, ok := kindWord[k]
	return k, ok
}

var (
	usccForm = regexp.MustCompile(`^[0-9A-Z]{18}$`)
	codeForm = regexp.MustCompile(`^[^\s;,=&|]+$`)
)

// ImportRegistry reads a registry file (.xlsx or .csv, chosen by name), checks
// every row against the file itself and the stored registry, and applies it
// as who in one transaction. A file with any bad row writes nothing and
// returns RowErrors listing all of them; a file over lim, ErrTooLarge.
func ImportRegistry(ctx context.Context, st Store, who string, r io.Reader, name string, dryRun bool, lim Limits) (store.ImportSummary, error) {
	t, err := readTable(r, name, lim)
	if err != nil {
		return store.ImportSummary{}, err
	}
	reg, err := st.LoadRegistry(ctx)
	if err != nil {
		return store.ImportSummary{}, fmt.Errorf("import registry: %w", err)
	}
	rows, err := parseRegistry(t, reg)
	if err != nil {
		return store.ImportSummary{}, err
	}
	sum, err := st.ImportRegistry(ctx, who, rows, dryRun)
	if err != nil {
		return sum, err
	}
	seen := map[string]bool{}
	for _, r := range rows {
		// A 2005 device is still in the field and must be registrable, with
		// a warning (hj212.md §3).
		if store.KindOfMN(r.MN) == store.MN2005 && !seen[r.MN] {
			seen[r.MN] = true
			sum.Warnings += fmt.Sprintf("MN %s 为 14 位（HJ/T 212-2005），不是北京导则要求的 24 位十六进制 / "+
				"a 14-character 2005 MN, not the 24 hex digits the guideline asks for\n", r.MN)
		}
	}
	return sum, nil
}

// parseRegistry turns a table into checked rows, or returns RowErrors.
func parseRegistry(t *table, reg *store.Registry) ([]store.RegistryRow, error) {
	ix, herrs := mapHeader(t.header, importColumns, []string{"enterprise", "facility", "kind", "mn"})
	herrs = append(herrs, coordHeaders(ix)...)
	if herrs != nil {
		return nil, herrs
	}
	c := newCheck(reg)
	for i, rec := range t.rows {
		if blank(rec) {
			continue
		}
		if r, ok := c.cells(t.lines[i], ix, rec); ok {
			c.rows = append(c.rows, r)
		}
	}
	c.crossCheck()
	if err := c.err(); err != nil {
		return nil, err
	}
	if len(c.rows) == 0 {
		return nil, RowErrors{{Row: 2, Msg: "文件没有数据行 (the file has no data rows)"}}
	}
	return c.rows, nil
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// cells checks one row on its own. ok is false when any cell is bad.
func (c *check) cells(line int, ix columnIndex, rec []string) (r store.RegistryRow, ok bool) {
	n := len(c.errs)
	get := func(key string) string { return ix.get(rec, key) }
	r = store.RegistryRow{Row: line, District: get("district"), Enterprise: get("enterprise"), USCC: strings.ToUpper(get("uscc")),
		Industry: get("industry"), Facility: get("facility"), Outlet: get("outlet"), MN: strings.ToUpper(get("mn")),
		Password: get("pw"), PowerCode: get("power_code"), CurrentCode: get("current_code"),
		VoltageCode: get("voltage_code"), EnergyCode: get("energy_code")}
	for _, key := range []string{"enterprise", "facility", "kind"} {
		if get(key) == "" {
			c.add(line, key, "不能为空 (required)")
		}
	}
	if r.USCC != "" && !usccForm.MatchString(r.USCC) {
		c.add(line, "uscc", "%q 应为 18 位数字或大写字母 (must be 18 digits or capital letters)", r.USCC)
	}
	if s := get("kind"); s != "" {
		var known bool
		if r.Kind, known = parseKind(s); !known {
			c.add(line, "kind", "未知类型 %q，应为 生产 / 治理 / 产治一体 / 总用电 / 间接用电 (unknown kind)", s)
		}
	}
	c.rated(line, get("rated_kw"), &r)
	c.treatedBy(line, get("treated_by"), &r)
	c.threshold(line, get("stop_kw"), get("run_kw"), &r)
	c.terminal(line, &r)
	r.Installed = c.date(line, "installed", get("installed"))
	r.Commissioned = c.date(line, "commissioned", get("commissioned"))
	c.coords(line, ix, rec, &r)
	return r, len(c.errs) == n
}

// coordHeaders checks that the coordinates come as one pair in one datum.
func coordHeaders(ix columnIndex) RowErrors {
	var errs RowErrors
	hasWGS := ix.has("lng") || ix.has("lat")
	hasGCJ := ix.has("lng_gcj02") || ix.has("lat_gcj02")
	switch {
	case hasWGS && hasGCJ:
		errs = append(errs, RowError{Row: 1, Column: "经度/纬度 (lng/lat)",
			Msg: "经纬度只能用一种坐标系：WGS-84 (经度, 纬度) 或 GCJ-02 (经度(GCJ-02), 纬度(GCJ-02)) (coordinates in one datum only)"})
	case ix.has("lng") != ix.has("lat"):
		errs = append(errs, RowError{Row: 1, Column: "经度/纬度 (lng/lat)", Msg: "经度和纬度两列须同时提供 (give both columns or neither)"})
	case ix.has("lng_gcj02") != ix.has("lat_gcj02"):
		errs = append(errs, RowError{Row: 1, Column: "经度(GCJ-02)/纬度(GCJ-02)", Msg: "经度和纬度两列须同时提供 (give both columns or neither)"})
	}
	return errs
}

// coords reads the enterprise's position: WGS-84, or GCJ-02 converted to
// WGS-84, inside Beijing. Both cells empty keep the stored position.
func (c *check) coords(line int, ix columnIndex, rec []string, r *store.RegistryRow) {
	lngKey, latKey, gcj := "lng", "lat", false
	if ix.has("lng_gcj02") {
		lngKey, latKey, gcj = "lng_gcj02", "lat_gcj02", true
	}
	lngS, latS := ix.get(rec, lngKey), ix.get(rec, latKey)
	if lngS == "" && latS == "" {
		return
	}
	var p geo.Point
	okLng := c.degrees(line, lngKey, lngS, &p.Lng)
	okLat := c.degrees(line, latKey, latS, &p.Lat)
	if !okLng || !okLat {
		return
	}
	if gcj {
		p = geo.FromGCJ02(p)
	}
	if !geo.Beijing.Contains(p) {
		hint := ""
		if geo.Beijing.Contains(geo.Point{Lng: p.Lat, Lat: p.Lng}) {
			hint = "；经纬度是否填反了？(swapped?)"
		}
		c.add(line, lngKey, "(%s, %s) 不在北京范围内（经度 %.1f–%.1f，纬度 %.1f–%.1f）%s (outside Beijing)",
			lngS, latS, geo.Beijing.Min.Lng, geo.Beijing.Max.Lng, geo.Beijing.Min.Lat, geo.Beijing.Max.Lat, hint)
		return
	}
	// Six decimals (about 0.1 m), as the export writes them, so that importing
	// an export changes nothing.
	r.Longitude, r.Latitude = math.Round(p.Lng*1e6)/1e6, math.Round(p.Lat*1e6)/1e6
}

// degrees reads one coordinate cell: decimal degrees, required when its pair is given.
func (c *check) degrees(line int, key, s string, v *float64) bool {
	if s == "" {
		c.add(line, key, "经度和纬度须同时填写 (give both coordinates or neither)")
		return false
	}
	x, _, err := parseNumber(s)
	if err != nil {
		c.add(line, key, "%q 不是十进制度数，应如 116.397128 (not decimal degrees)", s)
		return false
	}
	*v = x
	return true
}

// date reads an optional date cell; a bad one is reported with its row and column.
func (c *check) date(line int, key, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := parseTime(s, false)
	if err != nil {
		c.add(line, key, "%q 不是日期，应如 2026-03-01 (not a date)", s)
		return time.Time{}
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		c.add(line, key, "%q 年份不合理，应在 1990–2100 之间 (implausible year)", s)
		return time.Time{}
	}
	return t
}

func (c *check) number(line int, key, s string, v *float64) bool {
	x, given, err := parseNumber(s)
	switch {
	case err != nil:
		c.add(line, key, "%v", err)
	case x < 0:
		c.add(line, key, "%q 不能为负 (must not be negative)", s)
	default:
		*v = x
	}
	return given && err == nil
}

// rated reads 额定功率 with the store's rule for it (store.Facility.Validate:
// 0, unknown, to store.MaxRatedKW), so the import refuses at its cell what
// the store would refuse without one.
func (c *check) rated(line int, s string, r *store.RegistryRow) {
	var kw float64
	if !c.number(line, "rated_kw", s, &kw) {
		return
	}
	if (store.Facility{Name: "-", Kind: store.Production, RatedKW: kw}).Validate() != nil {
		c.add(line, "rated_kw", "%q 超出范围，应在 0–%g kW 之间 (rated power out of range)", s, float64(store.MaxRatedKW))
		return
	}
	r.RatedKW = kw
}

func (c *check) treatedBy(line int, s string, r *store.RegistryRow) {
	tbs, err := store.ParseTreatedBy(s)
	if err != nil {
		c.add(line, "treated_by", "%q: %v", s, err)
		return
	}
	for _, tb := range tbs {
		if tb.Facility == r.Facility {
			c.add(line, "treated_by", "设施不能关联自己 (a facility cannot treat itself)")
		}
	}
	r.TreatedBy = tbs
}

func (c *check) threshold(line int, stop, run string, r *store.RegistryRow) {
	var th store.Threshold
	okStop := c.number(line, "stop_kw", stop, &th.Stop)
	okRun := c.number(line, "run_kw", run, &th.Run)
	switch {
	case stop == "" && run == "":
		return
	case stop == "":
		c.add(line, "stop_kw", "填写了运行限值时也要填写停产限值 (give both thresholds or neither)")
	case run == "":
		c.add(line, "run_kw", "填写了停产限值时也要填写运行限值 (give both thresholds or neither)")
	case okStop && okRun:
		th.Basis = store.ByPower
		th.Note = "导入 (imported)"
		if err := th.Validate(); err != nil { // the store's rule: 0 ≤ stop < run
			c.add(line, "stop_kw", "停产限值 %g 应小于运行限值 %g 且不小于 0 (want 0 ≤ stop < run)", th.Stop, th.Run)
			return
		}
		r.Threshold = &th
	}
}

func (c *check) terminal(line int, r *store.RegistryRow) {
	codes := []struct{ key, code string }{{"power_code", r.PowerCode}, {"current_code", r.CurrentCode},
		{"voltage_code", r.VoltageCode}, {"energy_code", r.EnergyCode}}
	anyCode := false
	for _, x := range codes {
		if x.code == "" {
			continue
		}
		anyCode = true
		if !codeForm.MatchString(x.code) {
			c.add(line, x.key, "%q 含空格或 ; , = & | (factor code with a separator in it)", x.code)
		}
	}
	pt := store.Point{Name: r.Facility, PowerCode: r.PowerCode, CurrentCode: r.CurrentCode, VoltageCode: r.VoltageCode, EnergyCode: r.EnergyCode}
	if err := pt.Validate(); anyCode && err != nil { // the rule is the store's; below only which cell
		seen := map[string]string{}
		for _, x := range codes {
			if other, dup := seen[x.code]; dup && x.code != "" {
				c.add(line, x.key, "因子 %s 与本行 %s 相同 (same code twice in the row)", x.code, labelOf(registryColumns, other))
			}
			seen[x.code] = x.key
		}
	}
	switch {
	case r.MN == "" && anyCode:
		c.add(line, "mn", "填写了因子但缺少 MN (codes given without an MN)")
	case r.MN != "" && store.KindOfMN(r.MN) == store.MNInvalid:
		c.add(line, "mn", "%q 不是 24 位十六进制字符 (MN must be 24 hex characters, has %d)", r.MN, len([]rune(r.MN)))
	case r.MN != "" && r.PowerCode == "" && r.CurrentCode == "":
		// The rules judge a point on its power or its current: a point with
		// only voltage or energy could never be judged (stricter than
		// store.Point.Validate, which asks for any code).
		c.add(line, "power_code", "功率因子和电流因子至少填写一个 (power_code or current_code required)")
	}
}
