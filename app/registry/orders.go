package registry

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"powerwatch/store"
)

var orderColumns = []column{
	{"enterprise", "企业名称", []string{"企业", "单位名称"}},
	{"facility", "设施名称", []string{"设施", "facilities"}},
	{"kind", "类型", []string{"管控类型", "措施"}},
	{"cut_percent", "限产比例%", []string{"限产比例", "cut"}},
	{"start", "开始", []string{"开始时间", "from"}},
	{"end", "结束", []string{"结束时间", "to"}},
	{"level", "预警级别", []string{"级别", "预警等级"}},
	{"note", "备注", nil},
	{"exempt", "豁免设施", []string{"允许运行设施", "exempt"}}, // 一厂一策: facilities the order lets run, names joined by |
}

var filingColumns = []column{
	{"enterprise", "企业名称", []string{"企业", "单位名称"}},
	{"facility", "设施名称", []string{"设施", "facilities"}},
	{"kind", "类型", []string{"报备类型"}},
	{"start", "开始", []string{"开始时间", "from"}},
	{"end", "结束", []string{"结束时间", "to"}},
	{"note", "备注", nil},
}

var orderKinds = map[string]store.OrderKind{"停产": store.Shutdown, "限产": store.Cut, "shutdown": store.Shutdown, "cut": store.Cut}

var levels = map[string]store.Level{
	"黄": store.Yellow, "黄色": store.Yellow, "黄色预警": store.Yellow, "yellow": store.Yellow,
	"橙": store.Orange, "橙色": store.Orange, "橙色预警": store.Orange, "orange": store.Orange,
	"红": store.Red, "红色": store.Red, "红色预警": store.Red, "red": store.Red,
}

var filingKinds = map[string]store.FilingKind{
	"计划停产": store.PlannedStop, "停产": store.PlannedStop, "检修改造": store.Renovation, "检修": store.Renovation,
	"改造": store.Renovation, "停电": store.PowerCut, "其他": store.Other, "planned_stop": store.PlannedStop,
	"renovation": store.Renovation, "power_cut": store.PowerCut, "other": store.Other,
}

// ImportOrders reads control orders (.xlsx or .csv): 企业名称, 设施名称 (empty =
// the whole enterprise; several separated by |), 类型 停产/限产, 限产比例%, 开始,
// 结束, 预警级别 黄/橙/红, 备注. Enterprises and facilities must be registered.
// All rows are checked before anything is written.
func ImportOrders(ctx context.Context, st Store, who string, r io.Reader, name string, dryRun bool, lim Limits) (store.ImportSummary, error) {
	t, reg, err := readWithRegistry(ctx, st, r, name, lim)
	if err != nil {
		return store.ImportSummary{}, err
	}
	orders, err := parseOrders(t, reg)
	if err != nil {
		return store.ImportSummary{}, err
	}
	return st.ImportOrders(ctx, who, orders, dryRun)
}

// ImportFilings reads 报备 filings (.xlsx or .csv): 企业名称, 设施名称, 类型
// 计划停产/检修改造/停电/其他, 开始, 结束, 备注, like ImportOrders.
func ImportFilings(ctx context.Context, st Store, who string, r io.Reader, name string, dryRun bool, lim Limits) (store.ImportSummary, error) {
	t, reg, err := readWithRegistry(ctx, st, r, name, lim)
	if err != nil {
		return store.ImportSummary{}, err
	}
	filings, err := parseFilings(t, reg)
	if err != nil {
		return store.ImportSummary{}, err
	}
	return st.ImportFilings(ctx, who, filings, dryRun)
}

func readWithRegistry(ctx context.Context, st Store, r io.Reader, name string, lim Limits) (*table, *store.Registry, error) {
	t, err := readTable(r, name, lim)
	if err != nil {
		return nil, nil, err
	}
	reg, err := st.LoadRegistry(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("import %s: %w", name, err)
	}
	return t, reg, nil
}

// period is what orders and filings share: who, which facilities, when.
type period struct {
	enterpriseID int64
	facilityIDs  []int64
	start, end   time.Time
}

// periodCells reads 企业名称, 设施名称, 开始, 结束. ok is false when any is bad.
func periodCells(c *rowErrs, reg *store.Registry, line int, ix columnIndex, rec []string) (p period, ok bool) {
	n := len(c.errs)
	ent := ix.get(rec, "enterprise")
	var e store.Enterprise
	found := false
	for _, x := range reg.Enterprises {
		if x.Name == ent || (x.USCC != "" && x.USCC == strings.ToUpper(ent)) {
			e, found = x, true
		}
	}
	switch {
	case ent == "":
		c.add(line, "enterprise", "不能为空 (required)")
	case !found:
		c.add(line, "enterprise", "%q 未登记，请先导入企业名录 (enterprise not registered)", ent)
	}
	p.enterpriseID = e.ID
	if fs := ix.get(rec, "facility"); fs != "" && found {
		p.facilityIDs = facilityNames(c, reg, line, "facility", e, fs)
	}
	p.start = timeCell(c, line, "start", ix.get(rec, "start"), false)
	p.end = timeCell(c, line, "end", ix.get(rec, "end"), true)
	if len(c.errs) == n && !p.end.After(p.start) {
		c.add(line, "end", "结束时间不晚于开始时间 (ends before it starts)")
	}
	return p, len(c.errs) == n
}

// facilityNames reads facility names of enterprise e joined by |, sorted by id.
func facilityNames(c *rowErrs, reg *store.Registry, line int, key string, e store.Enterprise, cell string) []int64 {
	var ids []int64
	for _, name := range strings.FieldsFunc(cell, func(r rune) bool { return r == '|' || r == '｜' }) {
		name = strings.TrimSpace(name)
		id := int64(0)
		for _, f := range reg.Facilities {
			if f.EnterpriseID == e.ID && f.Name == name {
				id = f.ID
			}
		}
		if id == 0 {
			c.add(line, key, "%q 不是企业 %q 的设施 (unknown facility of this enterprise)", name, e.Name)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func timeCell(c *rowErrs, line int, key, s string, end bool) time.Time {
	if s == "" {
		c.add(line, key, "不能为空 (required)")
		return time.Time{}
	}
	t, err := parseTime(s, end)
	if err != nil {
		c.add(line, key, "%q 不是时间，应如 2026-11-28 或 2026-11-28 08:00 (not a time)", s)
	}
	return t
}

// dupKey identifies an order or filing for the duplicate check, as the store matches them.
func dupKey(kind string, p period) string {
	return fmt.Sprint(kind, p.enterpriseID, p.facilityIDs, p.start.UnixMilli(), p.end.UnixMilli())
}

func parseOrders(t *table, reg *store.Registry) ([]store.Order, error) {
	ix, herrs := mapHeader(t.header, orderColumns, []string{"enterprise", "kind", "start", "end"})
	if herrs != nil {
		return nil, herrs
	}
	c := &rowErrs{cols: orderColumns}
	var out []store.Order
	seen := map[string]int{}
	for i, rec := range t.rows {
		line := t.lines[i]
		if blank(rec) {
			continue
		}
		n := len(c.errs)
		p, _ := periodCells(c, reg, line, ix, rec)
		o := store.Order{EnterpriseID: p.enterpriseID, FacilityIDs: p.facilityIDs, Start: p.start, End: p.end, Note: ix.get(rec, "note")}
		if cell := ix.get(rec, "exempt"); cell != "" && p.enterpriseID != 0 {
			e, _ := reg.Enterprise(p.enterpriseID)
			o.ExemptIDs = facilityNames(c, reg, line, "exempt", e, cell)
		}
		kind, ok := orderKinds[strings.ToLower(ix.get(rec, "kind"))]
		if !ok {
			c.add(line, "kind", "%q 应为 停产 或 限产 (kind must be 停产 or 限产)", ix.get(rec, "kind"))
		}
		o.Kind = kind
		if s := ix.get(rec, "level"); s != "" {
			if o.Level, ok = levels[strings.ToLower(s)]; !ok {
				c.add(line, "level", "%q 应为 黄 / 橙 / 红 (level must be 黄, 橙 or 红)", s)
			}
		}
		s := strings.TrimSuffix(ix.get(rec, "cut_percent"), "%")
		pct, given, err := parseNumber(s)
		switch {
		case err != nil:
			c.add(line, "cut_percent", "%v", err)
		case kind == store.Cut && !given:
			c.add(line, "cut_percent", "限产须填写限产比例 (a cut needs its percentage)")
		case kind == store.Cut:
			if err := store.ValidCut(pct); err != nil {
				c.add(line, "cut_percent", "%v", err)
			}
			o.CutPercent = pct
		}
		if len(c.errs) > n {
			continue
		}
		k := dupKey(string(o.Kind), p)
		if first, dup := seen[k]; dup {
			c.add(line, "", "与第 %d 行是同一指令 (same order as row %d)", first, first)
			continue
		}
		seen[k] = line
		out = append(out, o)
	}
	return out, c.err()
}

func parseFilings(t *table, reg *store.Registry) ([]store.Filing, error) {
	ix, herrs := mapHeader(t.header, filingColumns, []string{"enterprise", "kind", "start", "end"})
	if herrs != nil {
		return nil, herrs
	}
	c := &rowErrs{cols: filingColumns}
	var out []store.Filing
	seen := map[string]int{}
	for i, rec := range t.rows {
		line := t.lines[i]
		if blank(rec) {
			continue
		}
		n := len(c.errs)
		p, _ := periodCells(c, reg, line, ix, rec)
		kind, ok := filingKinds[strings.ToLower(ix.get(rec, "kind"))]
		if !ok {
			c.add(line, "kind", "%q 应为 计划停产 / 检修改造 / 停电 / 其他 (unknown filing kind)", ix.get(rec, "kind"))
		}
		if len(c.errs) > n {
			continue
		}
		k := dupKey(string(kind), p)
		if first, dup := seen[k]; dup {
			c.add(line, "", "与第 %d 行是同一报备 (same filing as row %d)", first, first)
			continue
		}
		seen[k] = line
		out = append(out, store.Filing{EnterpriseID: p.enterpriseID, FacilityIDs: p.facilityIDs, Kind: kind,
			Start: p.start, End: p.end, Note: ix.get(rec, "note")})
	}
	return out, c.err()
}
