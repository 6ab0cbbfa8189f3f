package store

import (
	"math"
	"time"
)

// A RawPacket is one frame exactly as a terminal sent it, kept as evidence and
// so that values of codes nobody mapped yet can still be shown and exported.
type RawPacket struct {
	MN         string
	ST         string
	CN         string
	QN         string
	DataTime   time.Time // zero when the packet has none
	ReceivedAt time.Time
	CRCOK      bool
	Frame      []byte // the whole frame from "##" to the CRC, without CR LF
}

// A Value is one CP value of one packet: code-suffix=value, with its flag.
type Value struct {
	MN       string
	ST       string
	CN       string
	DataTime time.Time
	Code     string // factor code, e.g. "i33201" or "d20405"
	Suffix   string // Rtd, Avg, Min, Max, Cou, RS, RT …
	Value    string // as sent; numbers are parsed by the reader
	Flag     string // the code-Flag that came with it, if any
}

// Sample flags.
const (
	FlagPowerOff uint8 = 1 << iota // the terminal reported loss of supply (flag P)
	FlagFault                      // the terminal marked the value faulty (D, F, M…)
	FlagBackfill                   // received after its slot's deadline (history upload)
	// FlagIncomplete marks values of a split upload that never got all its
	// parts: the parts' values, kept (they were acknowledged) but not a whole
	// reading. (Bit 3 was FlagEstimated, which nothing ever set.)
	FlagIncomplete
	FlagOverRange   // above the meter's range (flag T): valid, and the facility runs
	FlagMinuteValue // a minute value (CN 2051): it covers the terminal's minute interval
	FlagHourValue   // an hour value (CN 2061): it covers its hour
	FlagMaintenance // maintenance or calibration (flags M, C): unknown, a maintenance record should cover it
)

// A FlagRule is one row of the data-flag table: what an HJ 212 data flag
// (HJ 212-2017 Table 8, as peers send them) means for the alarm rules.
type FlagRule struct {
	Token   string
	Flags   uint8
	Meaning string // 中文 / English, for the README and the rules screen
}

// FlagTable is the rule set's reading of HJ 212 data flags. A token not in
// the table is unknown (FlagFault): the rules neither count it as running nor
// as stopped.
var FlagTable = []FlagRule{
	{"N", 0, "有效 / valid"},
	{"T", FlagOverRange, "超测上限：有效且运行 / above range: valid and running"},
	{"P", FlagPowerOff, "电源故障：断电（治污停运、生产停产）/ power off: treatment off, production stopped"},
	{"M", FlagFault | FlagMaintenance, "维护：未知（应有维护记录）/ maintenance: unknown (a maintenance record should cover it)"},
	{"C", FlagFault | FlagMaintenance, "校准：未知 / calibration: unknown"},
	{"D", FlagFault, "故障：未知 / fault: unknown"},
	{"B", FlagFault, "通讯异常：未知 / communication fault: unknown"},
	{"S", FlagFault, "设定值：未知 / set value: unknown"},
	{"F", FlagFault, "停运：未知 / stopped (analyser): unknown"},
}

// FlagsOf maps one HJ 212 data flag to sample flags by FlagTable: "" and N
// are valid, an unknown token is FlagFault.
func FlagsOf(token string) uint8 {
	if token == "" {
		return 0
	}
	for _, r := range FlagTable {
		if r.Token == token {
			return r.Flags
		}
	}
	return FlagFault
}

// A Sample is one slot of a point's series: power kW, current A, voltage V,
// energy counter kWh and power factor. A quantity that was not sent is NaN.
type Sample struct {
	PointID int64
	At      time.Time // slot start (DataTime)
	P       float64
	I       float64
	U       float64
	E       float64
	PF      float64
	Flags   uint8
}

// Missing is the value of a quantity that was not reported.
var Missing = math.NaN()

// NewSample returns a sample with every quantity missing.
func NewSample(point int64, at time.Time) Sample {
	return Sample{PointID: point, At: at, P: Missing, I: Missing, U: Missing, E: Missing, PF: Missing}
}

// An Aggregate summarises a point over one hour or one day.
type Aggregate struct {
	PointID    int64
	Start      time.Time
	Energy     float64 // kWh consumed in the period (counter difference, or ∫P)
	RunMinutes float64 // minutes at or above the running threshold
	MinP       float64
	AvgP       float64
	MaxP       float64
	Received   int // distinct slots received
	Expected   int // slots expected at the configured interval
	Resets     int // times the energy counter went backwards (meter reset or replaced)
}

// An HourEnergy is what the energy readers (the 限产 baselines, the episode
// board, 总览's comparison) need of an hour: kept for packed days too, where
// the full Aggregate is folded from the series on demand.
type HourEnergy struct {
	Start    time.Time
	Energy   float64 // kWh, as the hour's Aggregate has it
	Received int
	Expected int
}

// A CurvePoint is one column of a downsampled curve: the min and max over the
// column keep a short spike visible at any zoom.
type CurvePoint struct {
	At   time.Time
	Min  float64
	Max  float64
	Mean float64
	N    int
}
