package service

import (
	"bytes"
	"fmt"

	"powerwatch/assets"
	"powerwatch/store"
)

// ValuesConfig says which values a terminal may send: beyond these (or the
// meter's range from the factor dictionary's data type, or RatedFactor times
// the facility's rated power) a value is impossible, kept only in the raw
// frame, flagged, and never summed. A merely high value stays valid: it may
// be a violation.
type ValuesConfig struct {
	RatedFactor    float64 `json:"rated_factor"` // 0: rated power not used
	MaxPowerKW     float64 `json:"max_power_kw"`
	MaxCurrentA    float64 `json:"max_current_a"`
	MaxVoltageV    float64 `json:"max_voltage_v"`
	MaxEnergyKWh   float64 `json:"max_energy_kwh"`
	MaxPowerFactor float64 `json:"max_power_factor"`
}

func (v ValuesConfig) validate() error {
	for _, f := range []struct {
		key string
		v   float64
	}{{"rated_factor", v.RatedFactor}, {"max_power_kw", v.MaxPowerKW}, {"max_current_a", v.MaxCurrentA},
		{"max_voltage_v", v.MaxVoltageV}, {"max_energy_kwh", v.MaxEnergyKWh}, {"max_power_factor", v.MaxPowerFactor}} {
		if f.v < 0 || f.v > store.HardLimit {
			return fmt.Errorf("values %s %g: want 0 (no limit of its own) up to %g", f.key, f.v, store.HardLimit)
		}
	}
	if v.RatedFactor > 0 && v.RatedFactor < 1 {
		return fmt.Errorf("values rated_factor %g: want at least 1 (a facility may run at its rated power)", v.RatedFactor)
	}
	return nil
}

// valuePolicy is the ingest's check: the configured limits and the shipped
// factor dictionary's meter ranges.
func (c Config) valuePolicy() (store.ValuePolicy, error) {
	fs, err := store.ParseFactors(bytes.NewReader(assets.FactorsCSV()))
	if err != nil {
		return store.ValuePolicy{}, fmt.Errorf("shipped factor dictionary: %w", err)
	}
	v := c.Values
	return store.ValuePolicy{
		Max:         store.SampleLimits{P: v.MaxPowerKW, I: v.MaxCurrentA, U: v.MaxVoltageV, E: v.MaxEnergyKWh, PF: v.MaxPowerFactor},
		RatedFactor: v.RatedFactor,
		Dict:        store.NewFactorDict(fs),
	}, nil
}
