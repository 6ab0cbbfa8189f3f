package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

// Values returns the CP values of terminal mn's packets in [from, to) — of
// factor code, or of every code when code is "" — one per code-suffix pair,
// each with its code's -Flag: any value a terminal sent, also of codes no
// point maps, for the screens and exports. DataTime and -Flag pairs are not
// values. The CP text is read as HJ 212 writes it (HJ212-2017 §6.3.3: pairs
// separated by ";" or ",", key=value); frames whose CRC was wrong are read too.
func (db *DB) Values(ctx context.Context, mn, code string, from, to time.Time) ([]store.Value, error) {
	packets, err := db.RawPackets(ctx, mn, from, to)
	if err != nil {
		return nil, fmt.Errorf("values of %s: %w", mn, err)
	}
	var out []store.Value
	for _, p := range packets {
		out = appendValues(out, p, code)
	}
	return out, nil
}

func appendValues(out []store.Value, p store.RawPacket, code string) []store.Value {
	i := bytes.Index(p.Frame, []byte("CP=&&"))
	j := bytes.LastIndex(p.Frame, []byte("&&"))
	if i < 0 || j < i+5 {
		return out
	}
	type pair struct{ code, suffix, value string }
	var pairs []pair
	flags := map[string]string{}
	for _, item := range strings.FieldsFunc(string(p.Frame[i+5:j]), func(r rune) bool { return r == ';' || r == ',' }) {
		k, v, ok := strings.Cut(item, "=")
		if !ok || k == "DataTime" {
			continue
		}
		c, suffix, _ := strings.Cut(k, "-")
		if suffix == "Flag" {
			flags[c] = v
			continue
		}
		if code == "" || c == code {
			pairs = append(pairs, pair{c, suffix, v})
		}
	}
	for _, x := range pairs {
		out = append(out, store.Value{MN: p.MN, ST: p.ST, CN: p.CN, DataTime: p.DataTime, Code: x.code, Suffix: x.suffix,
			Value: x.value, Flag: flags[x.code]})
	}
	return out
}
