package registry

import (
	"fmt"
	"slices"

	"powerwatch/store"
)

// check holds what a registry import has seen so far, to check rows against
// each other and against the stored registry.
type check struct {
	rowErrs
	reg  *store.Registry
	rows []store.RegistryRow

	dbEntByUSCC map[string]store.Enterprise
	dbEntByName map[string]store.Enterprise
	dbFac       map[facKey]store.Facility // by stored enterprise id and name
	dbPoint     map[[2]string]store.Point // by MN and code
}

type facKey struct {
	ent  string // enterprise name in the file, or id in the store as text
	name string
}

func newCheck(reg *store.Registry) *check {
	c := &check{rowErrs: rowErrs{cols: importColumns}, reg: reg,
		dbEntByUSCC: map[string]store.Enterprise{}, dbEntByName: map[string]store.Enterprise{},
		dbFac: map[facKey]store.Facility{}, dbPoint: map[[2]string]store.Point{}}
	for _, e := range reg.Enterprises {
		if e.USCC != "" {
			c.dbEntByUSCC[e.USCC] = e
		}
		c.dbEntByName[e.Name] = e
	}
	for _, f := range reg.Facilities {
		c.dbFac[facKey{fmt.Sprint(f.EnterpriseID), f.Name}] = f
	}
	mnOf := map[int64]string{}
	for _, t := range reg.Terminals {
		mnOf[t.ID] = t.MN
	}
	for _, p := range reg.Points {
		for _, code := range []string{p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode, p.PFCode, p.StateCode} {
			if code != "" {
				c.dbPoint[[2]string{mnOf[p.TerminalID], code}] = p
			}
		}
	}
	return c
}

// storedEnterprise finds the enterprise a row means in the store, as the
// import will: by USCC, else by name.
func (c *check) storedEnterprise(r *store.RegistryRow) (store.Enterprise, bool) {
	if e, ok := c.dbEntByUSCC[r.USCC]; ok && r.USCC != "" {
		return e, true
	}
	e, ok := c.dbEntByName[r.Enterprise]
	return e, ok
}

func (c *check) storedFacility(r *store.RegistryRow) (store.Facility, bool) {
	e, ok := c.storedEnterprise(r)
	if !ok {
		return store.Facility{}, false
	}
	f, ok := c.dbFac[facKey{fmt.Sprint(e.ID), r.Facility}]
	return f, ok
}

// crossCheck checks rows against each other and the store, merges what rows
// of one enterprise, facility or terminal say, and settles thresholds.
func (c *check) crossCheck() {
	c.enterprises()
	facs := c.facilities()
	c.terminals()
	c.codes()
	for _, key := range facs.order {
		c.links(facs, key)
		c.thresholds(facs, key)
	}
}

// agree reports whether a later row's optional value fits the first one's,
// and fills it in when the later row left it empty.
func agree[T comparable](c *check, line int, key string, first *T, firstLine int, v *T) bool {
	var zero T
	switch {
	case *v == zero:
		*v = *first
	case *first == zero:
		*first = *v
	case *v != *first:
		c.add(line, key, "与第 %d 行不一致: %v ≠ %v (disagrees with row %d)", firstLine, *v, *first, firstLine)
		return false
	}
	return true
}

func (c *check) enterprises() {
	first := map[string]int{}     // name → index of first row
	usccOwner := map[string]int{} // USCC → index of first row
	for i := range c.rows {
		r := &c.rows[i]
		j, seen := first[r.Enterprise]
		if !seen {
			first[r.Enterprise] = i
			j = i
		}
		f := &c.rows[j]
		agree(c, r.Row, "uscc", &f.USCC, f.Row, &r.USCC)
		agree(c, r.Row, "district", &f.District, f.Row, &r.District)
		agree(c, r.Row, "industry", &f.Industry, f.Row, &r.Industry)
		if r.Longitude != 0 || f.Longitude != 0 {
			if agree(c, r.Row, "lng", &f.Longitude, f.Row, &r.Longitude) {
				agree(c, r.Row, "lat", &f.Latitude, f.Row, &r.Latitude)
			}
		}
		if r.USCC != "" {
			if k, ok := usccOwner[r.USCC]; ok && c.rows[k].Enterprise != r.Enterprise {
				c.add(r.Row, "uscc", "%s 已用于第 %d 行的企业 %q (USCC used by another enterprise)", r.USCC, c.rows[k].Row, c.rows[k].Enterprise)
			} else if !ok {
				usccOwner[r.USCC] = i
			}
		}
		if seen {
			continue
		}
		byUSCC, ok1 := c.dbEntByUSCC[r.USCC]
		byName, ok2 := c.dbEntByName[r.Enterprise]
		if r.USCC != "" && ok1 && ok2 && byUSCC.ID != byName.ID {
			c.add(r.Row, "enterprise", "库中已有同名企业，信用代码为 %q；信用代码 %s 属于企业 %q (name and USCC belong to two stored enterprises)",
				byName.USCC, r.USCC, byUSCC.Name)
		}
		if r.USCC != "" && !ok1 && ok2 && byName.USCC != "" && byName.USCC != r.USCC {
			c.add(r.Row, "uscc", "库中企业 %q 的信用代码为 %s (the stored enterprise has another USCC)", r.Enterprise, byName.USCC)
		}
	}
}

// facilityGroup is every row of one facility, merged into the first.
type facilityGroup struct {
	order []facKey
	first map[facKey]int
	rows  map[facKey][]int
}

func (c *check) facilities() *facilityGroup {
	g := &facilityGroup{first: map[facKey]int{}, rows: map[facKey][]int{}}
	for i := range c.rows {
		r := &c.rows[i]
		key := facKey{r.Enterprise, r.Facility}
		j, seen := g.first[key]
		g.rows[key] = append(g.rows[key], i)
		if !seen {
			g.first[key] = i
			g.order = append(g.order, key)
			continue
		}
		f := &c.rows[j]
		if r.Kind != f.Kind {
			c.add(r.Row, "kind", "与第 %d 行不一致: %s ≠ %s (disagrees with row %d)", f.Row, kindWord[r.Kind], kindWord[f.Kind], f.Row)
		}
		agree(c, r.Row, "rated_kw", &f.RatedKW, f.Row, &r.RatedKW)
		agree(c, r.Row, "outlet", &f.Outlet, f.Row, &r.Outlet)
		agree(c, r.Row, "commissioned", &f.Commissioned, f.Row, &r.Commissioned)
		if r.TreatedBy == nil {
			r.TreatedBy = f.TreatedBy
		} else if f.TreatedBy == nil {
			f.TreatedBy = r.TreatedBy
		} else if !slices.Equal(r.TreatedBy, f.TreatedBy) {
			c.add(r.Row, "treated_by", "与第 %d 行不一致 (disagrees with row %d)", f.Row, f.Row)
		}
		switch {
		case r.Threshold == nil:
			r.Threshold = f.Threshold
		case f.Threshold == nil:
			f.Threshold = r.Threshold
		case *r.Threshold != *f.Threshold:
			c.add(r.Row, "stop_kw", "限值与第 %d 行不一致 (thresholds disagree with row %d)", f.Row, f.Row)
		}
	}
	// Later rows may have filled in the first: give every row the merged values.
	for _, key := range g.order {
		f := c.rows[g.first[key]]
		for _, i := range g.rows[key] {
			r := &c.rows[i]
			r.Kind, r.RatedKW, r.Outlet, r.TreatedBy, r.Threshold = f.Kind, f.RatedKW, f.Outlet, f.TreatedBy, f.Threshold
			r.Commissioned = f.Commissioned
		}
	}
	return g
}

func (c *check) terminals() {
	first := map[string]int{}
	for i := range c.rows {
		r := &c.rows[i]
		if r.MN == "" {
			continue
		}
		j, seen := first[r.MN]
		if !seen {
			first[r.MN] = i
			c.storedTerminal(r)
			continue
		}
		f := &c.rows[j]
		if f.Enterprise != r.Enterprise {
			c.add(r.Row, "mn", "MN 已用于第 %d 行的企业 %q (one terminal belongs to one enterprise)", f.Row, f.Enterprise)
		}
		agree(c, r.Row, "pw", &f.Password, f.Row, &r.Password)
		// 安装日期 is the point's: a meter added to a terminal later has its
		// own date, so rows of one terminal may differ here.
	}
	for i := range c.rows { // the first row may have been filled in by a later one
		if r := &c.rows[i]; r.MN != "" {
			r.Password = c.rows[first[r.MN]].Password
		}
	}
}

func (c *check) storedTerminal(r *store.RegistryRow) {
	t, ok := c.reg.Terminal(r.MN)
	if !ok || t.EnterpriseID == 0 {
		return
	}
	e, found := c.storedEnterprise(r)
	if !found || e.ID != t.EnterpriseID {
		owner, _ := c.reg.Enterprise(t.EnterpriseID)
		c.add(r.Row, "mn", "MN 已登记在企业 %q 名下 (terminal registered to another enterprise)", owner.Name)
	}
}

// codes checks MN + code for duplicates in the file and for points of other
// facilities in the store.
func (c *check) codes() {
	seen := map[[2]string]int{}
	for i := range c.rows {
		r := &c.rows[i]
		fac, facStored := c.storedFacility(r)
		var pointID int64
		for _, x := range []struct{ key, code string }{{"power_code", r.PowerCode}, {"current_code", r.CurrentCode},
			{"voltage_code", r.VoltageCode}, {"energy_code", r.EnergyCode}} {
			if x.code == "" || r.MN == "" {
				continue
			}
			k := [2]string{r.MN, x.code}
			if line, dup := seen[k]; dup {
				c.add(r.Row, x.key, "MN+因子 %s/%s 与第 %d 行重复 (duplicate MN+code, also row %d)", r.MN, x.code, line, line)
				continue
			}
			seen[k] = r.Row
			p, ok := c.dbPoint[k]
			switch {
			case !ok:
			case !facStored || p.FacilityID != fac.ID:
				owner, _ := c.reg.Facility(p.FacilityID)
				c.add(r.Row, x.key, "MN+因子 %s/%s 在库中属于设施 %q 的监测点 (stored point of another facility)", r.MN, x.code, owner.Name)
			case pointID != 0 && pointID != p.ID:
				c.add(r.Row, x.key, "本行的因子在库中分属两个监测点 (codes of two stored points in one row)")
			default:
				pointID = p.ID
			}
		}
	}
}

// links checks 关联治理设施: names of treatment facilities of the same
// enterprise, in the file or in the store.
func (c *check) links(g *facilityGroup, key facKey) {
	r := &c.rows[g.first[key]]
	if len(r.TreatedBy) == 0 {
		return
	}
	if r.Kind != store.Production && r.Kind != store.Integrated && r.Kind != store.Indirect {
		c.add(r.Row, "treated_by", "只有生产、产治一体或间接用电设施可填写关联治理设施 (only production, integrated and indirect facilities are treated)")
		return
	}
	for _, tb := range r.TreatedBy {
		kind, ok := store.FacilityKind(""), false
		if i, inFile := g.first[facKey{r.Enterprise, tb.Facility}]; inFile {
			kind, ok = c.rows[i].Kind, true
		} else if e, found := c.storedEnterprise(r); found {
			var f store.Facility
			f, ok = c.dbFac[facKey{fmt.Sprint(e.ID), tb.Facility}]
			kind = f.Kind
		}
		switch {
		case !ok:
			c.add(r.Row, "treated_by", "%q 不是本企业的设施 (unknown facility of this enterprise)", tb.Facility)
		case kind != store.Treatment && kind != store.Integrated:
			c.add(r.Row, "treated_by", "%q 是%s设施，不是治理设施 (not a treatment facility)", tb.Facility, kindWord[kind])
		}
	}
}

// thresholds settles each facility's threshold: the file's, else the stored
// one, else derived from rated power (store.DefaultThreshold).
func (c *check) thresholds(g *facilityGroup, key facKey) {
	r := c.rows[g.first[key]]
	if r.Threshold != nil {
		return
	}
	var cur *store.Threshold
	rated := r.RatedKW
	if f, ok := c.storedFacility(&r); ok {
		if hist := c.reg.ThresholdsOf(f.ID); len(hist) > 0 {
			cur = &hist[len(hist)-1]
		}
		if rated == 0 {
			rated = f.RatedKW
		}
	}
	var th *store.Threshold
	if cur == nil || cur.Derived {
		if d, ok := store.DefaultThreshold(rated); ok {
			d.Derived = true
			th = &d
		}
	}
	needs := r.Kind == store.Production || r.Kind == store.Treatment || r.Kind == store.Integrated
	if th == nil && cur == nil && needs {
		c.add(r.Row, "stop_kw", "缺少停产限值和运行限值，也没有额定功率可推算 (no thresholds and no rated power to derive them)")
	}
	for _, i := range g.rows[key] {
		c.rows[i].Threshold = th
	}
}
