package listener

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// commandCNs are the CNs EnqueueCommand accepts (HJ212-2017 Table 9; 2011
// with BeginTime/EndTime is the 2025 ST=44 history pull).
var commandCNs = []string{hj212.CNSetOverTime, hj212.CNGetTime, hj212.CNSetTime, hj212.CNGetRtdInterval, hj212.CNSetRtdInterval, hj212.CNGetMinInterval, hj212.CNSetMinInterval,
	hj212.CNRealtime, hj212.CNStopRealtime, hj212.CNRunState, hj212.CNStopRunState, hj212.CNDayHistory, hj212.CNRunTimeHistory, hj212.CNMinuteHistory, hj212.CNHourHistory}

// SetRealtimeInterval returns the command (CN 1062) that sets mn's real-time
// upload interval. HJ212-2017 Table 4: RtdInterval is 30–3600 s.
func SetRealtimeInterval(mn string, d time.Duration) (store.Command, error) {
	s := int(d / time.Second)
	if d%time.Second != 0 || !hj212.ValidRtdInterval(s) {
		return store.Command{}, fmt.Errorf("real-time interval %s: %w: must be whole seconds from 30 s to 3600 s", d, store.ErrInvalid)
	}
	return store.Command{MN: mn, CN: hj212.CNSetRtdInterval, CP: "RtdInterval=" + strconv.Itoa(s)}, nil
}

// SetMinuteInterval returns the command (CN 1064) that sets mn's minute-data
// interval. HJ212-2017 Table 4: MinInterval is one of 1, 2, 3, 4, 5, 6, 10,
// 12, 15, 20, 30 minutes.
func SetMinuteInterval(mn string, d time.Duration) (store.Command, error) {
	m := int(d / time.Minute)
	if d%time.Minute != 0 || !hj212.ValidMinInterval(m) {
		return store.Command{}, fmt.Errorf("minute interval %s: %w: must be 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 min", d, store.ErrInvalid)
	}
	return store.Command{MN: mn, CN: hj212.CNSetMinInterval, CP: "MinInterval=" + strconv.Itoa(m)}, nil
}

// ReadTime returns the command (CN 1011) that asks mn for its clock.
func ReadTime(mn string) store.Command { return store.Command{MN: mn, CN: hj212.CNGetTime} }

// SetTime returns the command (CN 1012) that sets mn's clock to the centre's
// time; SystemTime is filled in when the command is sent.
func SetTime(mn string) store.Command { return store.Command{MN: mn, CN: hj212.CNSetTime} }

// SetTimeout returns the command (CN 1000) that sets mn's OverTime and ReCount;
// the listener then uses the same values for the commands it sends to mn.
func SetTimeout(mn string, overtime time.Duration, recount int) (store.Command, error) {
	s := int(overtime / time.Second)
	if s < 1 || s > 99 || recount < 0 || recount > 99 {
		return store.Command{}, fmt.Errorf("timeout %s × %d: %w: OverTime is 1–99 s and ReCount 0–99 (N2)", overtime, recount, store.ErrInvalid)
	}
	return store.Command{MN: mn, CN: hj212.CNSetOverTime, CP: fmt.Sprintf("OverTime=%d;ReCount=%d", s, recount)}, nil
}

// HistoryPull returns the command that asks mn to send its data of [from, to]
// again: cn 2051 (minute), 2061 (hour), 2031 (day) or 2041 (running time),
// with BeginTime and EndTime (HJ212-2017 Table 9); cn 2011 gives the
// HJ 212-2025 electricity form (ST=44, CN=2011 + BeginTime/EndTime).
func HistoryPull(mn, cn string, from, to time.Time) (store.Command, error) {
	if !slices.Contains([]string{hj212.CNRealtime, hj212.CNDayHistory, hj212.CNRunTimeHistory, hj212.CNMinuteHistory, hj212.CNHourHistory}, cn) {
		return store.Command{}, fmt.Errorf("history pull CN %q: %w: must be 2011, 2031, 2041, 2051 or 2061", cn, store.ErrInvalid)
	}
	if !to.After(from) {
		return store.Command{}, fmt.Errorf("history pull %s–%s: %w: the end must be after the start", from, to, store.ErrInvalid)
	}
	// The 2017 examples group the two times with ","; the 2025 ST=44 form uses ";".
	c := store.Command{MN: mn, CN: cn, CP: "BeginTime=" + hj212.FormatN14(from) + ",EndTime=" + hj212.FormatN14(to)}
	if cn == hj212.CNRealtime {
		c.ST = "44"
		c.CP = "BeginTime=" + hj212.FormatN14(from) + ";EndTime=" + hj212.FormatN14(to)
	}
	return c, nil
}

func validateCommand(c store.Command) error {
	switch {
	case c.MN == "":
		return fmt.Errorf("command: %w: MN is required", store.ErrInvalid)
	case !slices.Contains(commandCNs, c.CN):
		return fmt.Errorf("command CN %q to %s: %w: not a command the centre sends", c.CN, c.MN, store.ErrInvalid)
	}
	fields, err := hj212.ParseCP(c.CP)
	if err != nil {
		return fmt.Errorf("command %s to %s: %w: %w", c.CN, c.MN, store.ErrInvalid, err)
	}
	for _, f := range fields {
		if err := validateField(c, f); err != nil {
			return err
		}
	}
	return nil
}

func validateField(c store.Command, f hj212.Field) error {
	bad := func(why string) error {
		return fmt.Errorf("command %s to %s: %s=%q: %w: %s", c.CN, c.MN, f.Key, f.Value, store.ErrInvalid, why)
	}
	switch f.Key {
	case "RtdInterval":
		if n, err := strconv.Atoi(f.Value); err != nil || !hj212.ValidRtdInterval(n) {
			return bad("30–3600 s")
		}
	case "MinInterval":
		if n, err := strconv.Atoi(f.Value); err != nil || !hj212.ValidMinInterval(n) {
			return bad("1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 min")
		}
	case "BeginTime", "EndTime", "SystemTime":
		if _, err := parseN14(f.Value); err != nil {
			return bad("a time YYYYMMDDhhmmss")
		}
	}
	return nil
}
