package evidence

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"powerwatch/csvsafe"
	"powerwatch/store"
)

// rawCSV lists the packets as received; frame is the exact bytes, CRC status as checked on arrival.
func (f *facts) rawCSV() []byte {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"received_at", "data_time", "mn", "st", "cn", "qn", "crc_ok", "frame"})
	for _, p := range f.packets {
		w.Write([]string{rfc(p.ReceivedAt), rfc(p.DataTime), p.MN, p.ST, p.CN, p.QN, strconv.FormatBool(p.CRCOK), string(p.Frame)})
	}
	w.Flush()
	return b.Bytes()
}

// frames are the packets one per line with CR LF, as they came over the wire.
func (f *facts) frames() []byte {
	var b bytes.Buffer
	for _, p := range f.packets {
		b.Write(p.Frame)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func (f *facts) seriesCSV() []byte {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"point_id", "point", "facility", "at", "p_kw", "i_a", "u_v", "e_kwh", "pf", "flags"})
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	for _, p := range f.view.Points {
		for _, s := range f.view.Evidence.Series[p.ID] {
			w.Write([]string{strconv.FormatInt(p.ID, 10), p.Name, f.view.FacilityName(p.FacilityID), rfc(s.At),
				num(s.P), num(s.I), num(s.U), num(s.E), num(s.PF), strconv.Itoa(int(s.Flags))})
		}
	}
	w.Flush()
	return b.Bytes()
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Beijing).Format(time.RFC3339)
}
