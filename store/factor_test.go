package store

import (
	"os"
	"strings"
	"testing"
)

// TestShippedFactors parses the dictionary that assets embeds and checks the
// lookups the rest of the app relies on.
func TestShippedFactors(t *testing.T) {
	f, err := os.Open("../assets/factors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := ParseFactors(f)
	if err != nil {
		t.Fatalf("ParseFactors(assets/factors.csv): %v", err)
	}
	d := NewFactorDict(fs)
	tests := []struct {
		key      string
		wantCode string
		quantity Quantity
	}{
		{"i33200-Rtd", "i33200", QuantityCurrent},
		{"i33201", "i33201", QuantityEnergy},
		{"i33202-Cou", "i33202", QuantityEnergyPeriod},
		{"i33103-Rtd", "i33103", QuantityVoltage},
		{"SB1-RS", "SB*-RS", QuantityState},
		{"SB12-RT", "SB*-RT", QuantityRunningHours},
		{"g20801-Rtd", "g208xx", QuantityCurrent},
		{"g99901-Rtd", "g*", QuantityOther},
		{"e30102-Rtd", "e301xx", QuantityCurrent},
		{"e700-Rtd", "e700", QuantityEnergyPeriod},
		{"d20105-Rtd", "d201xx", QuantityVoltage},
		{"d30406-Rtd", "d304xx", QuantityCurrent},
		{"d20905-Rtd", "d2*", QuantityOther},
		{"Ia-Rtd", "Ia", QuantityCurrent},
		{"Pt-Avg", "Pt", QuantityActivePower},
		{"ele01-Rtd", "elexx", QuantityState},
	}
	for _, tt := range tests {
		got, ok := d.Lookup(tt.key)
		if !ok || got.Code != tt.wantCode || got.Quantity != tt.quantity {
			t.Errorf("Lookup(%q) = %+v, %v; want code %q, quantity %q", tt.key, got, ok, tt.wantCode, tt.quantity)
		}
	}
	for _, key := range []string{"w01018-Rtd", "SB1", "SB-RS", "unknown"} {
		if got, ok := d.Lookup(key); ok {
			t.Errorf("Lookup(%q) = %+v, want no entry", key, got)
		}
	}
}

func TestMergeFactorsUserOverrides(t *testing.T) {
	base, err := ParseFactors(strings.NewReader("code,name_zh,name_en,quantity,unit,type\ni33200,厂区电流,plant current,current,A,N4.2\ng208xx,引风机电流,ID fan current,current,A,N4.2\n"))
	if err != nil {
		t.Fatal(err)
	}
	// A user's file, saved by Excel with a BOM, columns reordered.
	user, err := ParseFactors(strings.NewReader("\xEF\xBB\xBFtype,unit,quantity,name_en,name_zh,code\nN4.2,A,current,line 2 ID fan,二号线引风机,g20802\nN6,mA,current,plant current (mA),厂区电流,i33200\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := NewFactorDict(MergeFactors(base, user))
	if f, _ := d.Lookup("i33200-Rtd"); f.Unit != "mA" {
		t.Errorf("i33200 unit = %q, want the user's mA", f.Unit)
	}
	if f, _ := d.Lookup("g20802-Rtd"); f.NameZH != "二号线引风机" {
		t.Errorf("g20802 = %q, want the user's exact entry over the g208xx pattern", f.NameZH)
	}
	if f, _ := d.Lookup("g20801-Rtd"); f.Code != "g208xx" {
		t.Errorf("g20801 = %q, want the shipped pattern", f.Code)
	}
	if n := len(MergeFactors(base, user)); n != 3 {
		t.Errorf("merged %d entries, want 3", n)
	}
}

func TestParseFactorsErrors(t *testing.T) {
	const hdr = "code,name_zh,name_en,quantity,unit,type\n"
	tests := []struct {
		name, in, want string
	}{
		{"missing column", "code,name_zh\nx,y\n", `no column "name_en"`},
		{"bad quantity", hdr + "i33200,a,b,curent,A,N4\n", `row 2, column quantity: "curent"`},
		{"empty code", hdr + "# comment\n,a,b,current,A,N4\n", "row 3, column code"},
		{"code with ;", hdr + "a;b,a,b,current,A,N4\n", "row 2, column code"},
		{"duplicate", hdr + "i1,a,b,current,A,N4\ni1,a,b,current,A,N4\n", `row 3, column code: "i1" already on row 2`},
		{"three wildcards", hdr + "a*b*c*,a,b,current,A,N4\n", `more than two "*"`},
		{"bad quoting", hdr + "\"i1,a\n", "factor dictionary"},
	}
	for _, tt := range tests {
		_, err := ParseFactors(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	// Unknown codes are not the dictionary's business: a short row still parses.
	fs, err := ParseFactors(strings.NewReader(hdr + "x1\n"))
	if err != nil || len(fs) != 1 || fs[0].Quantity != QuantityOther {
		t.Errorf("short row: %+v, %v; want one entry of quantity other", fs, err)
	}
}

func TestMatchCode(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"g208xx", "g20801", true},
		{"g208xx", "g2080a", false},
		{"g208xx", "g208011", false},
		{"SB*-RS", "SB1-RS", true},
		{"SB*-RS", "SB123-RS", true},
		{"SB*-RS", "SB-RS", false},
		{"SB*-RS", "SB1-X-RS", false},
		{"*", "", false},
		{"a*b*c", "aXbYc", true},
	}
	for _, tt := range tests {
		if got := matchCode(tt.p, tt.s); got != tt.want {
			t.Errorf("matchCode(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

// FuzzParseFactors: any file gives entries or an error, and every entry it
// accepts can be looked up without panicking.
func FuzzParseFactors(f *testing.F) {
	if b, err := os.ReadFile("../assets/factors.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("code,name_zh,name_en,quantity,unit,type\nSB*-RS,a,b,state,,N1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := ParseFactors(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		d := NewFactorDict(fs)
		for _, fc := range fs {
			if fc.Code == "" {
				t.Fatalf("entry with an empty code: %+v", fc)
			}
			d.Lookup(fc.Code)
			d.Lookup(fc.Code + "-Rtd")
		}
	})
}
