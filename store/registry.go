package store

import "time"

// A Region is a district (区) or a sub-district (街道/乡镇); Parent is 0 for a district.
type Region struct {
	ID     int64
	Name   string
	Parent int64
}

// An Industry is a sector by its national classification code (e.g. "2511").
type Industry struct {
	ID   int64
	Code string
	Name string
}

// An Enterprise is the 一企一档 file of one pollutant-discharging enterprise.
type Enterprise struct {
	ID            int64
	Name          string
	USCC          string // 统一社会信用代码, 18 characters
	RegionID      int64
	IndustryID    int64
	Address       string
	Longitude     float64
	Latitude      float64
	Contact       string // name of the environmental contact
	Phone         string
	Grade         string // 绩效分级: A, B, C, D, 引领性 …
	EmergencyPlan string // 一厂一策 notes: what each warning level requires
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// An Attachment is a file kept for an enterprise (survey photo, wiring diagram,
// installation report). Path is relative to the attachments folder.
type Attachment struct {
	ID           int64
	EnterpriseID int64
	Name         string
	Kind         string // photo, wiring, report, other
	Path         string
	AddedAt      time.Time
}

// FacilityKind says what a monitored facility is, which decides the rules that apply.
type FacilityKind string

// Facility kinds.
const (
	Production FacilityKind = "production" // 生产设施
	Treatment  FacilityKind = "treatment"  // 治污设施
	Integrated FacilityKind = "integrated" // 产治一体: production and treatment on one circuit
	Total      FacilityKind = "total"      // 总用电: the enterprise's total supply
	Indirect   FacilityKind = "indirect"   // 间接用电: a load standing for a non-electric process (a gas kiln's fan, §6.7.1); judged as production
)

// A Facility is one production or treatment unit (or a supply point) of an enterprise.
type Facility struct {
	ID           int64
	EnterpriseID int64
	Name         string
	Kind         FacilityKind
	RatedKW      float64 // 额定功率; 0 when unknown
	Process      string  // 工艺
	Pollutants   string  // 污染物, free text
	Outlet       string  // 排口 the treatment discharges through
	// CommissionedAt is the 投运/验收日期 from which the violation rules apply
	// to the facility; zero means from the earliest InstalledAt of its points.
	CommissionedAt time.Time
	// LinksConfirmed says an officer confirmed what the treatment links mean
	// (or a registry import wrote them in the stage syntax): ungrouped links
	// are then stages that must all run. Unconfirmed, several ungrouped links
	// keep their old meaning, one of them suffices (LinksAmbiguous).
	LinksConfirmed bool
}

// LinkRole is 用 (active) or 备 (standby) for a treatment unit of a production unit.
type LinkRole string

// Link roles.
const (
	Active  LinkRole = "active"
	Standby LinkRole = "standby"
)

// A Link is one edge of the 产治排 chain: production facility → treatment facility.
// Links of one production facility with the same non-empty Group form one
// stage, an N-of-M group: the stage is covered when at least Need of the group
// run. The ungrouped links of a facility whose links are confirmed form one
// stage in which every active unit must run and a standby unit may stand in
// for any one of them; unconfirmed, they are alternatives (see LinksAmbiguous).
type Link struct {
	ID           int64
	ProductionID int64
	TreatmentID  int64
	Role         LinkRole
	Group        string
	Need         int // N of an N-of-M group; 0 or 1 means any one
}

// A Terminal is a monitoring terminal (数采仪) identified by its MN.
type Terminal struct {
	ID           int64
	MN           string // 24 hex characters
	Password     string // PW it must send
	SM4Key       string // 32 hex characters for HJ 212-2025 encrypted CP; empty when not used
	EnterpriseID int64
	Protocol     string        // protocol version last seen: 2005, 2017, 2025
	RtdInterval  time.Duration // real-time upload interval configured
	MinInterval  time.Duration // minute-data interval configured
	InstalledAt  time.Time
	Firmware     string
	LastSeen     time.Time
	RemoteAddr   string
}

// A Point is a monitoring point (监测点): the factor codes of one terminal that
// measure one facility's supply circuit.
type Point struct {
	ID          int64
	TerminalID  int64
	FacilityID  int64
	Name        string
	PowerCode   string // active power, kW
	CurrentCode string // A
	VoltageCode string // V
	EnergyCode  string // kWh counter
	PFCode      string // power factor
	StateCode   string // switch / run state
	CTRatio     float64
	// InstalledAt is the point's 安装日期: its data is expected and counted
	// from then. Points of one terminal may have different dates.
	InstalledAt time.Time
}

// Basis is the quantity a threshold is set on.
type Basis string

// Threshold bases.
const (
	ByPower   Basis = "power"   // kW
	ByCurrent Basis = "current" // A
)

// A Threshold is the pair of levels that decide a facility's state, in force
// from EffectiveFrom until the next threshold of the same facility. Old ones are
// kept so that old alarms can be explained with the values of their time.
type Threshold struct {
	ID            int64
	FacilityID    int64
	Basis         Basis
	Stop          float64       // 停机阈值: at or below it the facility is stopped
	Run           float64       // 运行阈值: at or above it the facility runs
	MinPersist    time.Duration // a state counts only after holding this long
	EffectiveFrom time.Time
	Derived       bool // computed from rated power by DefaultThreshold, not set by a person
	Note          string
}

// LinksAmbiguous reports whether links (of one production facility) hold more
// than one ungrouped active unit: before the stage syntax such links meant
// "any one of them", now "all of them", so they keep the old meaning until an
// officer confirms them (Facility.LinksConfirmed). One active unit with
// standby ones means the same either way.
func LinksAmbiguous(links []Link) bool {
	n := 0
	for _, l := range links {
		if l.Group == "" && l.Role != Standby {
			n++
		}
	}
	return n > 1
}
