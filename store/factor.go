package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A Quantity is the physical kind of a factor's values.
type Quantity string

// Quantities of the factor dictionary.
const (
	QuantityVoltage        Quantity = "voltage"         // V
	QuantityCurrent        Quantity = "current"         // A
	QuantityActivePower    Quantity = "active_power"    // kW
	QuantityReactivePower  Quantity = "reactive_power"  // kvar
	QuantityPowerFactor    Quantity = "power_factor"    // 0–1
	QuantityEnergy         Quantity = "energy"          // kWh, a cumulative counter
	QuantityEnergyPeriod   Quantity = "energy_period"   // kWh used within the period (day, interval)
	QuantityReactiveEnergy Quantity = "reactive_energy" // kvarh
	QuantityFrequency      Quantity = "frequency"       // Hz
	QuantityState          Quantity = "state"           // on/off or run-state code
	QuantityRunningHours   Quantity = "running_hours"   // h per day
	QuantityTemperature    Quantity = "temperature"     // ℃
	QuantityOther          Quantity = "other"
)

var quantities = []Quantity{QuantityVoltage, QuantityCurrent, QuantityActivePower, QuantityReactivePower,
	QuantityPowerFactor, QuantityEnergy, QuantityEnergyPeriod, QuantityReactiveEnergy, QuantityFrequency,
	QuantityState, QuantityRunningHours, QuantityTemperature, QuantityOther}

// A Factor describes one HJ 212 factor code: what its values mean. Codes
// nobody described are still stored and shown raw; the dictionary only names them.
type Factor struct {
	// Code is an exact code ("i33200"), an exact key ("SB1-RS"), or a pattern
	// with "x" (one digit) or "*" (one or more characters other than "-"),
	// such as "g208xx" or "SB*-RS". See FactorDict.Lookup.
	Code     string
	NameZH   string
	NameEN   string
	Quantity Quantity
	Unit     string // "A", "V", "kW", "kWh"…; "" for states and ratios
	DataType string // HJ 212 type such as "N4.2"
}

// IsPattern reports whether Code contains a wildcard.
func (f Factor) IsPattern() bool { return strings.ContainsAny(f.Code, "*x") }

var factorColumns = []string{"code", "name_zh", "name_en", "quantity", "unit", "type"}

// ParseFactors reads a factor dictionary: CSV (UTF-8, a BOM is allowed) with
// the header code,name_zh,name_en,quantity,unit,type in any order; lines
// starting with "#" are comments. Errors name the row and column.
func ParseFactors(r io.Reader) ([]Factor, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read factor dictionary: %w", err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("factor dictionary header: %w", err)
	}
	col, err := factorHeader(header)
	if err != nil {
		return nil, err
	}
	var out []Factor
	seen := map[string]int{} // code → row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("factor dictionary: %w", err)
		}
		row, _ := cr.FieldPos(0)
		f, err := factorRow(rec, col, row)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[f.Code]; ok {
			return nil, fmt.Errorf("factor dictionary row %d, column code: %q already on row %d", row, f.Code, prev)
		}
		seen[f.Code] = row
		out = append(out, f)
	}
}

func factorHeader(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, name := range factorColumns {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("factor dictionary header: no column %q (want %s)", name, strings.Join(factorColumns, ","))
		}
	}
	return col, nil
}

func factorRow(rec []string, col map[string]int, row int) (Factor, error) {
	get := func(name string) string {
		if i := col[name]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	f := Factor{Code: get("code"), NameZH: get("name_zh"), NameEN: get("name_en"),
		Quantity: Quantity(get("quantity")), Unit: get("unit"), DataType: get("type")}
	if f.Code == "" || strings.ContainsAny(f.Code, " ;,=&") {
		return f, fmt.Errorf("factor dictionary row %d, column code: %q is empty or has a space or one of ;,=&", row, f.Code)
	}
	// More wildcards would make matching combinatorial; no HJ 212 code needs them.
	if strings.Count(f.Code, "*") > 2 {
		return f, fmt.Errorf("factor dictionary row %d, column code: %q has more than two \"*\"", row, f.Code)
	}
	if f.Quantity == "" {
		f.Quantity = QuantityOther
	}
	if !slices.Contains(quantities, f.Quantity) {
		return f, fmt.Errorf("factor dictionary row %d, column quantity: %q is not one of %v", row, f.Quantity, quantities)
	}
	return f, nil
}

// MergeFactors returns base with user's entries applied: an entry with the
// same Code replaces the base one in place, new ones follow in user's order.
func MergeFactors(base, user []Factor) []Factor {
	out := slices.Clone(base)
	at := map[string]int{}
	for i, f := range out {
		at[f.Code] = i
	}
	for _, f := range user {
		if i, ok := at[f.Code]; ok {
			out[i] = f
			continue
		}
		at[f.Code] = len(out)
		out = append(out, f)
	}
	return out
}

// A FactorDict answers what a CP key or factor code means. It is read-only
// after NewFactorDict and safe for concurrent use.
type FactorDict struct {
	exact    map[string]Factor
	patterns []Factor // most literal characters first
}

// NewFactorDict indexes fs (typically MergeFactors of the shipped and the user's file).
func NewFactorDict(fs []Factor) *FactorDict {
	d := &FactorDict{exact: map[string]Factor{}}
	for _, f := range fs {
		if f.IsPattern() {
			d.patterns = append(d.patterns, f)
		} else {
			d.exact[f.Code] = f
		}
	}
	// Stable, so that among equally specific patterns the earlier entry wins.
	slices.SortStableFunc(d.patterns, func(a, b Factor) int { return literals(b.Code) - literals(a.Code) })
	return d
}

func literals(p string) int { return len(p) - strings.Count(p, "*") - strings.Count(p, "x") }

// Lookup describes key, a CP key ("SB1-RS", "i33200-Rtd") or a bare code
// ("g20801"). In order: the exact key, the exact code (the part before the
// first "-"), then the most specific pattern. Patterns with a "-" are matched
// against the whole key, the others against the code.
func (d *FactorDict) Lookup(key string) (Factor, bool) {
	code := key
	if i := strings.IndexByte(key, '-'); i >= 0 {
		code = key[:i]
	}
	if f, ok := d.exact[key]; ok {
		return f, true
	}
	if f, ok := d.exact[code]; ok {
		return f, true
	}
	for _, f := range d.patterns {
		subject := code
		if strings.Contains(f.Code, "-") {
			subject = key
		}
		if matchCode(f.Code, subject) {
			return f, true
		}
	}
	return Factor{}, false
}

// matchCode matches s against pattern p: "x" is one digit, "*" one or more
// characters other than "-", anything else itself.
func matchCode(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case 'x':
			if len(s) == 0 || s[0] < '0' || s[0] > '9' {
				return false
			}
			p, s = p[1:], s[1:]
		case '*':
			// Try every non-empty run of non-"-" characters, shortest first.
			for n := 1; n <= len(s) && s[n-1] != '-'; n++ {
				if matchCode(p[1:], s[n:]) {
					return true
				}
			}
			return false
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return len(s) == 0
}
