package gen

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"powerwatch/geo"
)

// schedule is how an enterprise works.
type schedule int

const (
	continuous schedule = iota // 24 h, 7 days (furnaces, kilns)
	twoShifts                  // 08:00–24:00, Sundays off
	dayShift                   // 08:00–18:00 with a lunch dip, weekends off
)

// enterprise is one generated enterprise with its terminals and facilities:
// one terminal per production unit and its treatment, as when each pair hangs
// off its own distribution cabinet, so that a frame carries two points.
type enterprise struct {
	id         int64
	terminals  []int64
	mns        []string
	name, pw   string
	schedule   schedule
	facilities []facility
	lossy      bool // its first terminal loses many slots in one month
}

// facility is one monitored facility and its point.
type facility struct {
	id, point   int64
	term        int // index into the enterprise's terminals
	name        string
	treatment   bool
	treats      int // index of the production facility it treats, for treatment
	ratedKW     float64
	load        float64 // typical share of rated power when running
	codes       [5]string
	meterSwapAt int // day index on which the energy counter restarts at 0; -1 none
}

var (
	streets    = []string{"酒仙桥街道", "将台地区", "东坝地区", "金盏地区", "十八里店地区", "豆各庄地区"}
	industries = [][2]string{
		{"3011", "水泥制造"}, {"3130", "钢压延加工"}, {"2631", "化学农药制造"}, {"3391", "黑色金属铸造"},
		{"2641", "涂料制造"}, {"3360", "金属表面处理及热处理加工"}, {"2231", "纸和纸板容器制造"}, {"2929", "塑料零件制造"},
	}
	prodNames  = []string{"熔炼炉", "球磨机", "喷涂线", "烘干炉", "破碎机", "注塑机", "反应釜", "抛丸机"}
	treatNames = []string{"布袋除尘器", "RTO焚烧炉", "活性炭吸附装置", "湿法脱硫塔", "UV光解设备", "喷淋塔"}
)

// buildDistrict lays out enterprises until there are n points: each with one
// terminal and 2–6 facilities, producers each followed by their treatment.
func buildDistrict(rng *rand.Rand, n, days int) []enterprise {
	var ents []enterprise
	points := 0
	for points < n {
		e := enterprise{
			name:     fmt.Sprintf("北京%s%03d有限公司", industries[len(ents)%len(industries)][1], len(ents)+1),
			pw:       "123456",
			schedule: schedule(rng.IntN(3)),
			lossy:    rng.IntN(40) == 0,
		}
		k := min(2+rng.IntN(5), n-points)
		for i := 0; i < k; i++ {
			f := facility{meterSwapAt: -1, treats: -1, term: i / 2}
			if i%2 == 0 {
				e.mns = append(e.mns, fmt.Sprintf("0100%08X%06X%06X", 0xA8900000, len(ents)+1, i/2+1))
			}
			if i%2 == 1 {
				f.treatment, f.treats = true, i-1
				f.name = treatNames[rng.IntN(len(treatNames))] + fmt.Sprint(i/2+1)
				f.ratedKW, f.load = float64(15+rng.IntN(60)), 0.6+0.2*rng.Float64()
			} else {
				f.name = prodNames[rng.IntN(len(prodNames))] + fmt.Sprint(i/2+1)
				f.ratedKW, f.load = float64(50+rng.IntN(400)), 0.55+0.35*rng.Float64()
			}
			if rng.IntN(100) == 0 && days > 2 {
				f.meterSwapAt = 1 + rng.IntN(days-1)
			}
			side := 2
			if f.treatment {
				side = 3
			}
			for q, c := range []int{5, 4, 1, 6, 7} { // P, I, U, E, PF
				f.codes[q] = fmt.Sprintf("d%d%02d%02d", side, c, i+1)
			}
			e.facilities = append(e.facilities, f)
		}
		points += k
		ents = append(ents, e)
	}
	return ents
}

// writeRegistry inserts the district in one transaction and fills in the ids.
func writeRegistry(ctx context.Context, db *sql.DB, ents []enterprise, start time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) (int64, error) {
		r, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("%.40s…: %w", q, err)
		}
		return r.LastInsertId()
	}
	district, err := exec(`INSERT INTO regions(name) VALUES ('朝阳区')`)
	if err != nil {
		return err
	}
	var regions, inds []int64
	for _, s := range streets {
		id, err := exec(`INSERT INTO regions(name, parent_id) VALUES (?, ?)`, s, district)
		if err != nil {
			return err
		}
		regions = append(regions, id)
	}
	for _, in := range industries {
		id, err := exec(`INSERT INTO industries(code, name) VALUES (?, ?)`, in[0], in[1])
		if err != nil {
			return err
		}
		inds = append(inds, id)
	}
	for i := range ents {
		if err := writeEnterprise(exec, &ents[i], regions[i%len(regions)], inds[i%len(inds)], i, start); err != nil {
			return fmt.Errorf("enterprise %s: %w", ents[i].name, err)
		}
	}
	return tx.Commit()
}

// roadOf is the demo road of enterprise i: the one through its street
// (writeRegistry gives enterprise i the street streets[i%len(streets)]).
func roadOf(i int) geo.Road { return geo.ChaoyangRoads()[i%len(streets)] }

// position places enterprise i along its street's road, 40–240 m off it on
// either side, spread along the road by the golden ratio so that no two of
// the first thousands coincide.
func position(i int) geo.Point {
	k := i / len(streets)
	t := math.Mod(float64(k)*0.6180339887, 1)
	side := 40 + float64(k*37%200)
	if k%2 == 1 {
		side = -side
	}
	return roadOf(i).Along(t, side)
}

func writeEnterprise(exec func(string, ...any) (int64, error), e *enterprise, region, industry int64, i int, start time.Time) error {
	var err error
	pos := position(i)
	e.id, err = exec(`INSERT INTO enterprises(name, uscc, region_id, industry_id, address, longitude, latitude, grade, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.name, fmt.Sprintf("91110105MA%08d", i+1), region, industry,
		fmt.Sprintf("北京市朝阳区%s%d号", roadOf(i).Name, i+1), pos.Lng, pos.Lat,
		[]string{"A", "B", "C", "D"}[i%4], start.UnixMilli(), start.UnixMilli())
	if err != nil {
		return err
	}
	for _, mn := range e.mns {
		id, err := exec(`INSERT INTO terminals(mn, password, enterprise_id, protocol, rtd_interval_s, min_interval_s, installed_at)
			VALUES (?, ?, ?, '2025', 300, 300, ?)`, mn, e.pw, e.id, start.UnixMilli())
		if err != nil {
			return err
		}
		e.terminals = append(e.terminals, id)
	}
	for j := range e.facilities {
		f := &e.facilities[j]
		kind := "production"
		if f.treatment {
			kind = "treatment"
		}
		if f.id, err = exec(`INSERT INTO facilities(enterprise_id, name, kind, rated_kw) VALUES (?, ?, ?, ?)`, e.id, f.name, kind, f.ratedKW); err != nil {
			return err
		}
		if f.point, err = exec(`INSERT INTO points(terminal_id, facility_id, name, power_code, current_code, voltage_code, energy_code, pf_code, installed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.terminals[f.term], f.id, f.name, f.codes[0], f.codes[1], f.codes[2], f.codes[3], f.codes[4],
			start.UnixMilli()); err != nil {
			return err
		}
		if _, err = exec(`INSERT INTO thresholds(facility_id, basis, stop, run, min_persist_s, effective_from, derived, note)
			VALUES (?, 'power', ?, ?, 600, ?, 1, 'derived: 5 % / 20 % of rated kW')`, f.id, 0.05*f.ratedKW, 0.2*f.ratedKW, start.UnixMilli()); err != nil {
			return err
		}
		if f.treatment {
			if _, err = exec(`INSERT INTO links(production_id, treatment_id) VALUES (?, ?)`, e.facilities[f.treats].id, f.id); err != nil {
				return err
			}
		}
	}
	return nil
}
