package store_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"powerwatch/store"
)

// TestSampleLimitsCheck: impossible values become Missing and flagged; a high
// but possible one, a value at the limit and a missing one stay as they are.
func TestSampleLimitsCheck(t *testing.T) {
	at := time.Date(2026, 12, 5, 8, 0, 0, 0, store.Beijing)
	nan := math.NaN()
	lim := store.SampleLimits{P: 1000, I: 9999, U: 0, E: 1e13, PF: 1}
	tests := []struct {
		name    string
		in      store.Sample
		want    store.Sample
		reasons int
	}{
		{"plausible values stay silent", store.Sample{At: at, P: 999, I: 50, U: 400, E: 12345, PF: 0.93},
			store.Sample{At: at, P: 999, I: 50, U: 400, E: 12345, PF: 0.93}, 0},
		{"at the limit is accepted", store.Sample{At: at, P: 1000, I: nan, U: nan, E: nan, PF: -1},
			store.Sample{At: at, P: 1000, I: nan, U: nan, E: nan, PF: -1}, 0},
		{"missing stays missing and is not flagged", store.NewSample(0, at), store.NewSample(0, at), 0},
		{"beyond the rated limit", store.Sample{At: at, P: 1000.5, I: 3, U: nan, E: nan, PF: nan},
			store.Sample{At: at, P: nan, I: 3, U: nan, E: nan, PF: nan, Flags: store.FlagRejected}, 1},
		{"infinities and overflowing finite values", store.Sample{At: at, P: math.Inf(1), I: math.Inf(-1), U: 1.7e308, E: -1.7e308, PF: 1.5, Flags: store.FlagFault},
			store.Sample{At: at, P: nan, I: nan, U: nan, E: nan, PF: nan, Flags: store.FlagFault | store.FlagRejected}, 5},
		{"no configured limit: the hard limit", store.Sample{At: at, P: nan, I: nan, U: store.HardLimit, E: nan, PF: nan},
			store.Sample{At: at, P: nan, I: nan, U: store.HardLimit, E: nan, PF: nan}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.in
			reasons := lim.Check(&s)
			if diff := cmp.Diff(tt.want, s, cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("Check mismatch (-want +got):\n%s", diff)
			}
			if len(reasons) != tt.reasons {
				t.Errorf("Check reasons = %q, want %d", reasons, tt.reasons)
			}
		})
	}
}

func TestTypeRange(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"N4.2", 1e4, true}, {"N13", 1e13, true}, {"N1.3", 10, true}, {" N6.3 ", 1e6, true},
		{"C4", 0, false}, {"", 0, false}, {"N", 0, false}, {"Nx.2", 0, false}, {"N99", 0, false},
	}
	for _, tt := range tests {
		got, ok := store.TypeRange(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("TypeRange(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestValuePolicyLimits: the tightest of config, meter range and rated power
// applies; an unknown code or an unrated facility leaves the configured one.
func TestValuePolicyLimits(t *testing.T) {
	dict := store.NewFactorDict([]store.Factor{
		{Code: "i33200", Quantity: store.QuantityCurrent, DataType: "N4.2"},
		{Code: "p1", Quantity: store.QuantityActivePower, DataType: "N6.3"},
		{Code: "e1", Quantity: store.QuantityEnergy, DataType: "N13"},
		{Code: "s1", Quantity: store.QuantityState, DataType: "C4"},
	})
	pol := store.ValuePolicy{Max: store.SampleLimits{P: 1e5, I: 1e5, U: 1e6, E: 1e15, PF: 1}, RatedFactor: 10, Dict: dict}
	tests := []struct {
		name  string
		pt    store.Point
		rated float64
		want  store.SampleLimits
	}{
		{"rated power and meter ranges", store.Point{PowerCode: "p1", CurrentCode: "i33200", EnergyCode: "e1"}, 250,
			store.SampleLimits{P: 2500, I: 1e4, U: 1e6, E: 1e13, PF: 1}},
		{"unrated facility: the code's range", store.Point{PowerCode: "p1"}, 0,
			store.SampleLimits{P: 1e5, I: 1e5, U: 1e6, E: 1e15, PF: 1}},
		{"unknown codes and a state code: the configured limits", store.Point{PowerCode: "zz", CurrentCode: "s1"}, 0,
			store.SampleLimits{P: 1e5, I: 1e5, U: 1e6, E: 1e15, PF: 1}},
	}
	for _, tt := range tests {
		if got := pol.Limits(tt.pt, tt.rated); got != tt.want {
			t.Errorf("%s: Limits = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	if got := (store.ValuePolicy{}).Limits(store.Point{PowerCode: "p1"}, 100); got != (store.SampleLimits{}) {
		t.Errorf("empty policy: Limits = %+v, want none", got)
	}
}
