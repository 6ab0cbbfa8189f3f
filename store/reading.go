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
	FlagPowerOff  uint8 = 1 << iota // the terminal reported loss of supply (flag P)
	FlagFault                       // the terminal marked the value faulty (D, F, M…)
	FlagBackfill                    // received after its slot's deadline (history upload)
	FlagEstimated                   // derived, not measured (e.g. P from U·I·PF)
)

// FlagIncomplete marks values of a split upload that never got all its
// parts: the parts' values, kept (they were acknowledged) but not a whole reading.
const FlagIncomplete uint8 = 1 << 4

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

// A CurvePoint is one column of a downsampled curve: the min and max over the
// column keep a short spike visible at any zoom.
type CurvePoint struct {
	At   time.Time
	Min  float64
	Max  float64
	Mean float64
	N    int
}
