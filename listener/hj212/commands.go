package hj212

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Command numbers (CN) of HJ212-2017 §6.6 Table 9 and the 2025 additions we use.
const (
	CNSetOverTime      = "1000"
	CNGetTime          = "1011"
	CNSetTime          = "1012"
	CNTimeCalibration  = "1013"
	CNGetRtdInterval   = "1061"
	CNSetRtdInterval   = "1062"
	CNGetMinInterval   = "1063"
	CNSetMinInterval   = "1064"
	CNSetPassword      = "1072"
	CNRealtime         = "2011" // start real-time data / real-time upload
	CNStopRealtime     = "2012"
	CNRunState         = "2021"
	CNStopRunState     = "2022"
	CNDayHistory       = "2031"
	CNRunTimeHistory   = "2041"
	CNMinuteHistory    = "2051"
	CNHourHistory      = "2061"
	CNRestart          = "2081"
	CNRequestReply     = "9011"
	CNExecResult       = "9012"
	CNNotifyReply      = "9013"
	CNDataReply        = "9014"
	CNHeartbeat        = "9015" // HJ 212-2025 (peers)
	STInteraction      = "91"   // HJ212-2017 Table 5: system interaction, used by the 90xx replies
	STElectricity      = "44"   // HJ 212-2025 (peers): 用电监控
	STKeyProduction    = "45"   // HJ 212-2025 (peers): 关键生产工况
	defaultTerminalST  = STElectricity
	minRtdIntervalSecs = 30
	maxRtdIntervalSecs = 3600
	// The field-information uploads (现场端信息, HJ212-2017 Table 5) are
	// CN 3015 to 3020.
	CNFieldInfoFirst = "3015"
	CNFieldInfoLast  = "3020"
)

// ValidRtdInterval reports whether secs is a real-time interval that
// HJ212-2017 Table 4 allows: 30–3600 s.
func ValidRtdInterval(secs int) bool {
	return secs >= minRtdIntervalSecs && secs <= maxRtdIntervalSecs
}

// ValidMinInterval reports whether mins is a minute-data interval that
// HJ212-2017 Table 4 allows: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 min.
func ValidMinInterval(mins int) bool { return slices.Contains(minIntervals[:], mins) }

// A QnRtn is the answer code of a 9011 request reply (HJ212-2017 Table 7).
type QnRtn int

// Request answer codes.
const (
	QnReady    QnRtn = 1
	QnRejected QnRtn = 2
	QnBadPW    QnRtn = 3
	QnBadMN    QnRtn = 4
	QnBadST    QnRtn = 5
	QnBadFlag  QnRtn = 6
	QnBadQN    QnRtn = 7
	QnBadCN    QnRtn = 8
	QnBadCRC   QnRtn = 9
	QnUnknown  QnRtn = 100
)

func (c QnRtn) String() string {
	switch c {
	case QnReady:
		return "准备执行请求 ready"
	case QnRejected:
		return "请求被拒绝 rejected"
	case QnBadPW:
		return "PW 错误 wrong password"
	case QnBadMN:
		return "MN 错误 wrong MN"
	case QnBadST:
		return "ST 错误 wrong ST"
	case QnBadFlag:
		return "Flag 错误 wrong Flag"
	case QnBadQN:
		return "QN 错误 wrong QN"
	case QnBadCN:
		return "CN 错误 wrong CN"
	case QnBadCRC:
		return "CRC 校验错误 wrong CRC"
	case QnUnknown:
		return "未知错误 unknown error"
	}
	return "QnRtn(" + strconv.Itoa(int(c)) + ")"
}

// An ExeRtn is the result code of a 9012 execution reply (HJ212-2017 Table 6).
type ExeRtn int

// Execution result codes.
const (
	ExeSuccess  ExeRtn = 1
	ExeFailed   ExeRtn = 2
	ExeBadInput ExeRtn = 3
	ExeTimeout  ExeRtn = 4
	ExeBusy     ExeRtn = 5
	ExeFault    ExeRtn = 6
	ExeNoData   ExeRtn = 100
)

func (c ExeRtn) String() string {
	switch c {
	case ExeSuccess:
		return "执行成功 success"
	case ExeFailed:
		return "执行失败，但不知道原因 failed"
	case ExeBadInput:
		return "命令请求条件错误 bad request condition"
	case ExeTimeout:
		return "通讯超时 communication timeout"
	case ExeBusy:
		return "系统繁忙不能执行 busy"
	case ExeFault:
		return "系统故障 system fault"
	case ExeNoData:
		return "没有数据 no data"
	}
	return "ExeRtn(" + strconv.Itoa(int(c)) + ")"
}

// QnRtnFor maps an error of Parse to the 9011 answer code a field device
// would send (HJ212-2017 Table 7). nil maps to QnReady.
func QnRtnFor(err error) QnRtn {
	if err == nil {
		return QnReady
	}
	se, ok := err.(*SyntaxError)
	if !ok {
		return QnRejected
	}
	switch {
	case se.Kind == KindCRC:
		return QnBadCRC
	case se.Kind != KindField:
		return QnUnknown
	}
	switch se.Field {
	case "QN":
		return QnBadQN
	case "ST":
		return QnBadST
	case "CN":
		return QnBadCN
	case "MN":
		return QnBadMN
	case "PW":
		return QnBadPW
	case "Flag", "PNUM", "PNO":
		return QnBadFlag
	}
	return QnRejected
}

// reply builds a 90xx answer to req: same QN, PW and MN, ST=91, and Flag
// with req's version bits and A=0 (HJ212-2017 §6.5, Appendix C examples).
func reply(req *Packet, cn string, cp ...Field) *Packet {
	p := &Packet{QN: req.QN, ST: STInteraction, CN: cn, PW: req.PW, MN: req.MN, fields: cp}
	p.Header = HasQN&req.Header | HasST | HasCN | HasPW&req.Header | HasMN
	if req.Has(HasFlag) {
		p.Flag = req.Flag &^ (FlagA | FlagD)
		p.Header |= HasFlag
	}
	return p
}

// DataAck is the 9014 data answer to an upload with Flag bit A set, also to
// each subpacket and to duplicates (HJ212-2017 §6.5.3).
func DataAck(upload *Packet) *Packet { return reply(upload, CNDataReply) }

// NotifyAck is the 9013 answer to a notification such as 1013 or 2012.
func NotifyAck(notice *Packet) *Packet { return reply(notice, CNNotifyReply) }

// RequestAck is the 9011 answer to a request (field side; the simulator uses it).
func RequestAck(req *Packet, code QnRtn) *Packet {
	return reply(req, CNRequestReply, Field{Key: "QnRtn", Value: strconv.Itoa(int(code))})
}

// ExecResult is the 9012 execution result of a request (field side).
func ExecResult(req *Packet, code ExeRtn) *Packet {
	return reply(req, CNExecResult, Field{Key: "ExeRtn", Value: strconv.Itoa(int(code))})
}

// A Terminal addresses the commands the centre sends to one field device.
type Terminal struct {
	MN, PW  string
	ST      string  // system code the device uses; "" means 44 (electricity)
	Version Version // selects the Flag version bits
}

// Request builds a request to the terminal with Flag bit A set: the device
// answers 9011 and then 9012 (HJ212-2017 §6.5.1).
func (t Terminal) Request(qn, cn string, cp ...Field) *Packet {
	return t.packet(qn, cn, true, cp)
}

// Notify builds a notification (answered with 9013, e.g. 2012, 2022).
func (t Terminal) Notify(qn, cn string, cp ...Field) *Packet {
	return t.packet(qn, cn, true, cp)
}

func (t Terminal) packet(qn, cn string, answer bool, cp []Field) *Packet {
	st := t.ST
	if st == "" {
		st = defaultTerminalST
	}
	return &Packet{QN: qn, ST: st, CN: cn, PW: t.PW, MN: t.MN, Flag: FlagFor(t.Version, answer, false),
		Header: HasQN | HasST | HasCN | HasPW | HasMN | HasFlag, fields: cp}
}

func withPolID(cp []Field, polID string) []Field {
	if polID != "" {
		cp = append(cp, Field{Key: "PolId", Value: polID})
	}
	return cp
}

// SetOverTime is CN 1000: answer timeout in seconds and retry count (HJ212-2017 C.1).
func (t Terminal) SetOverTime(qn string, overTime time.Duration, reCount int) (*Packet, error) {
	secs := int(overTime / time.Second)
	if secs < 1 || secs > 99 || reCount < 0 || reCount > 99 {
		return nil, fmt.Errorf("set overtime %v, %d retries: OverTime and ReCount are N2 (1–99 s, 0–99): %w", overTime, reCount, ErrField)
	}
	return t.Request(qn, CNSetOverTime, Field{Key: "OverTime", Value: strconv.Itoa(secs)},
		Field{Key: "ReCount", Value: strconv.Itoa(reCount)}), nil
}

// GetTime is CN 1011: read the device clock (polID "" for the data logger).
func (t Terminal) GetTime(qn, polID string) *Packet {
	return t.Request(qn, CNGetTime, withPolID(nil, polID)...)
}

// SetTime is CN 1012: set the device clock to now, in Beijing time (HJ212-2017 C.3).
func (t Terminal) SetTime(qn, polID string, now time.Time) *Packet {
	return t.Request(qn, CNSetTime, withPolID(nil, polID)...).with(Field{Key: "SystemTime", Value: FormatN14(now)})
}

// TimeCalibration is CN 1013, the device's notification asking for the time
// (field side; the centre answers NotifyAck and then SetTime).
func (t Terminal) TimeCalibration(qn, polID string) *Packet {
	return t.Notify(qn, CNTimeCalibration, withPolID(nil, polID)...)
}

func (p *Packet) with(f ...Field) *Packet {
	p.fields = append(p.fields, f...)
	return p
}

// GetRtdInterval is CN 1061.
func (t Terminal) GetRtdInterval(qn string) *Packet { return t.Request(qn, CNGetRtdInterval) }

// SetRtdInterval is CN 1062. HJ212-2017 Table 4: RtdInterval is 30–3600 s.
func (t Terminal) SetRtdInterval(qn string, every time.Duration) (*Packet, error) {
	secs := int(every / time.Second)
	if every%time.Second != 0 || !ValidRtdInterval(secs) {
		return nil, fmt.Errorf("set real-time interval %v: must be whole seconds within 30–3600: %w", every, ErrField)
	}
	return t.Request(qn, CNSetRtdInterval, Field{Key: "RtdInterval", Value: strconv.Itoa(secs)}), nil
}

// GetMinInterval is CN 1063.
func (t Terminal) GetMinInterval(qn string) *Packet { return t.Request(qn, CNGetMinInterval) }

// minIntervals are the minute-data intervals HJ212-2017 Table 4 allows, in minutes.
var minIntervals = [...]int{1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30}

// SetMinInterval is CN 1064. HJ212-2017 Table 4: MinInterval is one of
// 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes.
func (t Terminal) SetMinInterval(qn string, every time.Duration) (*Packet, error) {
	mins := int(every / time.Minute)
	if every%time.Minute != 0 || !ValidMinInterval(mins) {
		return nil, fmt.Errorf("set minute interval %v: must be 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 min: %w", every, ErrField)
	}
	return t.Request(qn, CNSetMinInterval, Field{Key: "MinInterval", Value: strconv.Itoa(mins)}), nil
}

// SetPassword is CN 1072. HJ212-2017 Table 4: NewPW is C6.
func (t Terminal) SetPassword(qn, newPW string) (*Packet, error) {
	if newPW == "" || len(newPW) > 6 || badHeaderValue(newPW) != "" || !alnum(newPW) {
		return nil, fmt.Errorf("set password: %q is not 1–6 letters or digits: %w", newPW, ErrField)
	}
	return t.Request(qn, CNSetPassword, Field{Key: "NewPW", Value: newPW}), nil
}

// StartRealtime (2011), StopRealtime (2012), StartRunState (2021) and
// StopRunState (2022) switch the device's uploads (HJ212-2017 §6.7 steps 5–6).
func (t Terminal) StartRealtime(qn string) *Packet { return t.Request(qn, CNRealtime) }

// StopRealtime is CN 2012, a notification answered with 9013.
func (t Terminal) StopRealtime(qn string) *Packet { return t.Notify(qn, CNStopRealtime) }

// StartRunState is CN 2021.
func (t Terminal) StartRunState(qn string) *Packet { return t.Request(qn, CNRunState) }

// StopRunState is CN 2022, a notification answered with 9013.
func (t Terminal) StopRunState(qn string) *Packet { return t.Notify(qn, CNStopRunState) }

// History asks for the data of [begin, end] again. HJ212-2017 C.17–C.26:
// history uses the upload's own CN — 2031 day, 2041 running time, 2051
// minute, 2061 hour — with BeginTime,EndTime. HJ 212-2025 (peers, not the
// text) pulls electricity data with ST=44 and CN 2011 ("BeginTime=…;EndTime=…")
// and adds 2052/2062 uploads, which this also allows.
func (t Terminal) History(qn, cn string, begin, end time.Time) (*Packet, error) {
	switch cn {
	case CNDayHistory, CNRunTimeHistory, CNMinuteHistory, CNHourHistory, "2052", "2062":
	case CNRealtime:
		if t.Version != Version2025 {
			return nil, fmt.Errorf("history pull with CN 2011 exists only in HJ 212-2025: %w", ErrField)
		}
	default:
		return nil, fmt.Errorf("history pull with CN %s: not a history command: %w", cn, ErrField)
	}
	if end.Before(begin) {
		return nil, fmt.Errorf("history pull %s–%s: end before begin: %w", FormatN14(begin), FormatN14(end), ErrField)
	}
	// The 2017 examples group the two times with ","; the 2025 ST=44 peer uses ";".
	grouped := cn != CNRealtime
	return t.Request(qn, cn, Field{Key: "BeginTime", Value: FormatN14(begin)},
		Field{Key: "EndTime", Value: FormatN14(end), Grouped: grouped}), nil
}

// Upload builds a data upload from the terminal (field side, for the
// simulator and tests): DataTime at, then cp, with Flag bit A as asked
// (HJ212-2017 §6.5.3: the receiver answers 9014 when A is set).
func (t Terminal) Upload(qn, cn string, at time.Time, answer bool, cp ...Field) *Packet {
	fields := append([]Field{{Key: "DataTime", Value: FormatN14(at)}}, cp...)
	return t.packet(qn, cn, answer, fields)
}

// Heartbeat is CN 9015 of HJ 212-2025 (peers), with an empty CP and no
// answer requested [GUESS: the 2025 text was not read].
func (t Terminal) Heartbeat(qn string) *Packet {
	p := t.packet(qn, CNHeartbeat, false, nil)
	p.ST = STInteraction
	return p
}
