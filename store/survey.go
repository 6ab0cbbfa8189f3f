package store

import "time"

// Supply is how a monitored facility is fed.
type Supply string

// Supplies.
const (
	SupplySingle  Supply = "single"  // one feeder
	SupplyMulti   Supply = "multi"   // 多路供电
	SupplyStandby Supply = "standby" // 主备用供电
)

// A PointPlan is one monitoring point of an enterprise's point design: which
// facilities its circuit feeds and what the site survey found about that
// circuit (guideline §6.7.1, §6.7.2).
type PointPlan struct {
	PointID     int64   // 0 while the point is only planned
	Name        string  // e.g. 1#熔炉进线
	Facilities  []int64 // the facilities whose supply this point measures
	SharedAuxKW float64 // auxiliary loads on the same circuit (风机、空压机 …), kW
	Supply      Supply
	AfterBus    bool    // metered after the bus (母线后) rather than at the facility's main line
	BreakerA    float64 // rating of the breaker in the meter box, A
	Location    string  // where the meter box is
}

// A Survey is what the site survey of §6.7.2 records for one enterprise
// beyond the registry: its production, the circuits of the planned points
// and the photos of the meter boxes. The installation report prints it with
// the registry's facilities and 产治排 links.
type Survey struct {
	EnterpriseID int64
	Date         time.Time
	Surveyors    string
	Products     string // 主要产品及产量
	Pattern      string // 生产规律: shifts, seasons, days
	ProcessFlow  string // 工艺流程
	PowerUse     string // 用电情况
	Outlets      string // 涉气排口及在线监测情况
	Emergency    string // 重污染应急管控措施 / 日常和应急报警方案
	Points       []PointPlan
	// SwitchTogether lists production–treatment pairs whose circuits must be
	// switched on and off together: they need one 产治一体 point.
	SwitchTogether [][2]int64
	Photos         []string // meter boxes: outside, inside, planned position; relative to files/
	Notes          string
}
