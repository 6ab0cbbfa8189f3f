package listing

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"powerwatch/csvsafe"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// ValueRow is one stored CP value of a raw packet.
type ValueRow struct {
	MN       string `json:"mn"`
	ST       string `json:"st"` // system code and command: values of different
	CN       string `json:"cn"` // commands at the same time are told apart
	Code     string `json:"code"`
	Suffix   string `json:"suffix"`
	DataTime string `json:"datatime"`
	Value    string `json:"value"`
	Flag     string `json:"flag"`
}

// PacketsValues returns the CP values of every stored frame in ps (all
// codes, or code), in order; a frame that cannot be read is passed to skip
// and left out.
func PacketsValues(ps []store.RawPacket, code string, skip func(store.RawPacket, error)) []ValueRow {
	var rows []ValueRow
	for _, p := range ps {
		vs, err := PacketValues(p, code)
		if err != nil {
			skip(p, err)
			continue
		}
		rows = append(rows, vs...)
	}
	return rows
}

// PacketValues returns the CP values of a stored frame (all codes, or code),
// each with the code's -Flag. A frame whose CRC was wrong when it arrived is
// still read: its CP text is parsed on its own.
func PacketValues(p store.RawPacket, code string) ([]ValueRow, error) {
	var fields []hj212.Field
	if pk, err := hj212.Parse(append(bytes.Clone(p.Frame), '\r', '\n')); err == nil {
		fields = pk.Fields()
	} else {
		i := bytes.Index(p.Frame, []byte("CP=&&"))
		j := bytes.LastIndex(p.Frame, []byte("&&"))
		if i < 0 || j < i+5 {
			return nil, err
		}
		if fields, err = hj212.ParseCP(string(p.Frame[i+5 : j])); err != nil {
			return nil, err
		}
	}
	flags := map[string]string{}
	for _, f := range fields {
		if f.Suffix() == "Flag" {
			flags[f.Code()] = f.Value
		}
	}
	dt := ""
	if !p.DataTime.IsZero() {
		dt = p.DataTime.In(store.Beijing).Format(time.DateTime)
	}
	var out []ValueRow
	for _, f := range fields {
		if f.Key == "DataTime" || f.Suffix() == "Flag" || (code != "" && f.Code() != code) {
			continue
		}
		out = append(out, ValueRow{MN: p.MN, ST: p.ST, CN: p.CN, Code: f.Code(), Suffix: f.Suffix(), DataTime: dt, Value: f.Value, Flag: flags[f.Code()]})
	}
	return out, nil
}

// WriteValues writes rows as JSON lines (format "json") or CSV.
func WriteValues(w io.Writer, format string, rows []ValueRow) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"mn", "st", "cn", "code", "suffix", "datatime", "value", "flag"})
	for _, r := range rows {
		cw.Write([]string{r.MN, r.ST, r.CN, r.Code, r.Suffix, r.DataTime, r.Value, r.Flag})
	}
	cw.Flush()
	return cw.Error()
}
