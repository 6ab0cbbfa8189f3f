package chart

import (
	"bytes"
	"image/color"
	"math"
	"os"
	"testing"
	"time"

	"github.com/golang/freetype/truetype"

	"powerwatch/calendar"
	"powerwatch/store"
)

func mustFont(tb testing.TB) *truetype.Font {
	tb.Helper()
	b, err := os.ReadFile("../../assets/font/wqy-microhei.ttf")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := truetype.Parse(b)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// year returns a year of 5-minute samples: a daily 08–18 working cycle of
// 200 kW with one 10-minute spike to 900 kW.
func year(point int64, from time.Time) []store.Sample {
	n := 365 * 24 * 12
	out := make([]store.Sample, n)
	for i := range out {
		at := from.Add(time.Duration(i) * 5 * time.Minute)
		s := store.NewSample(point, at)
		s.P = 5
		if h := at.In(store.Beijing).Hour(); h >= 8 && h < 18 {
			s.P = 200 + 10*math.Sin(float64(i))
		}
		if i == n/2 || i == n/2+1 {
			s.P = 900
		}
		out[i] = s
	}
	return out
}

var jan1 = time.Date(2026, 1, 1, 0, 0, 0, 0, store.Beijing)

func TestDownsample(t *testing.T) {
	day := func(h int) time.Time { return jan1.Add(time.Duration(h) * time.Hour) }
	samples := []store.Sample{
		{At: day(0), P: 1}, {At: day(1), P: 3}, {At: day(2), P: math.NaN()}, {At: day(13), P: 10}, {At: day(23), P: 4},
		{At: day(24), P: 99}, // outside [from, to)
	}
	tests := []struct {
		name  string
		width int
		want  []store.CurvePoint
	}{
		{"two columns keep min, max and mean and skip NaN and out-of-range", 2, []store.CurvePoint{
			{At: day(0), Min: 1, Max: 3, Mean: 2, N: 2}, {At: day(12), Min: 4, Max: 10, Mean: 7, N: 2}}},
		{"empty columns are left out so gaps stay gaps", 24, []store.CurvePoint{
			{At: day(0), Min: 1, Max: 1, Mean: 1, N: 1}, {At: day(1), Min: 3, Max: 3, Mean: 3, N: 1},
			{At: day(13), Min: 10, Max: 10, Mean: 10, N: 1}, {At: day(23), Min: 4, Max: 4, Mean: 4, N: 1}}},
		{"zero width gives nothing", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Downsample(samples, Power, day(0), day(24), tt.width)
			if len(got) != len(tt.want) {
				t.Fatalf("Downsample = %d columns %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if !got[i].At.Equal(tt.want[i].At) || got[i].Min != tt.want[i].Min || got[i].Max != tt.want[i].Max || got[i].Mean != tt.want[i].Mean || got[i].N != tt.want[i].N {
					t.Errorf("column %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestDownsampleKeepsSpike ensures a 10-minute spike in a year survives as a column max.
func TestDownsampleKeepsSpike(t *testing.T) {
	ps := Downsample(year(1, jan1), Power, jan1, jan1.AddDate(1, 0, 0), 800)
	if len(ps) > 800 {
		t.Fatalf("got %d columns, want at most 800", len(ps))
	}
	top := 0.0
	for _, p := range ps {
		top = math.Max(top, p.Max)
	}
	if top != 900 {
		t.Errorf("max over the year = %v, want the 900 kW spike", top)
	}
}

// shippedCalendar is the calendar of assets/holidays.csv.
func shippedCalendar(tb testing.TB) *calendar.Calendar {
	tb.Helper()
	b, err := os.ReadFile("../../assets/holidays.csv")
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := calendar.Parse("holidays.csv", bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	return calendar.New(rows)
}

func bj(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, store.Beijing) }

func TestRestDays(t *testing.T) {
	cal := shippedCalendar(t)
	tests := []struct {
		name     string
		cal      *calendar.Calendar
		from, to time.Time
		want     []Span
	}{
		{"no calendar: weekends merged (2026-01-01 is a Thursday)", nil, jan1, jan1.AddDate(0, 0, 14), []Span{
			{From: bj(2026, 1, 3), To: bj(2026, 1, 5), Kind: Weekend},
			{From: bj(2026, 1, 10), To: bj(2026, 1, 12), Kind: Weekend},
		}},
		{"New Year 2026 is a holiday and Sunday 01-04 a make-up working day", cal, jan1, jan1.AddDate(0, 0, 14), []Span{
			{From: bj(2026, 1, 1), To: bj(2026, 1, 4), Kind: Holiday, Label: "元旦"},
			{From: bj(2026, 1, 10), To: bj(2026, 1, 12), Kind: Weekend},
		}},
		{"2025 National Day: make-up Sunday 09-28 and Saturday 10-11 are not shaded", cal, bj(2025, 9, 26), bj(2025, 10, 13), []Span{
			{From: bj(2025, 9, 27), To: bj(2025, 9, 28), Kind: Weekend},
			{From: bj(2025, 10, 1), To: bj(2025, 10, 9), Kind: Holiday, Label: "国庆节、中秋节"},
			{From: bj(2025, 10, 12), To: bj(2025, 10, 13), Kind: Weekend},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RestDays(tt.cal, tt.from, tt.to)
			if len(got) != len(tt.want) {
				t.Fatalf("RestDays = %+v, want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				if g := got[i]; !g.From.Equal(w.From) || !g.To.Equal(w.To) || g.Kind != w.Kind || g.Label != w.Label {
					t.Errorf("span %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestRenderRestDays ensures the drawn chart leaves a make-up Sunday
// unshaded, like a weekday, and shades a holiday in a colour of its own.
func TestRenderRestDays(t *testing.T) {
	from, to := bj(2025, 9, 26), bj(2025, 10, 13)
	img, fr, err := Render(Options{Width: 900, Height: 400, From: from, To: to, Font: mustFont(t), Unit: "kW",
		Lines: []Line{{Value: 0}, {Value: 100}}, // a value range; the levels lie outside the band compared below
		Spans: RestDays(shippedCalendar(t), from, to), SpanNames: map[SpanKind]string{Weekend: "周末", Holiday: "节假日"}})
	if err != nil {
		t.Fatal(err)
	}
	// shade is the commonest colour in the middle of the plot over day d,
	// so grid lines and labels do not decide it.
	shade := func(d time.Time) color.RGBA {
		count := map[color.RGBA]int{}
		span := float64(to.Sub(from))
		x1 := fr.Box.Left + int(float64(d.Add(3*time.Hour).Sub(from))/span*float64(fr.Box.Width()))
		x2 := fr.Box.Left + int(float64(d.Add(21*time.Hour).Sub(from))/span*float64(fr.Box.Width()))
		for x := x1; x <= x2; x++ {
			for y := fr.Box.Top + fr.Box.Height()*3/10; y < fr.Box.Top+fr.Box.Height()*7/10; y++ {
				count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
			}
		}
		var best color.RGBA
		for c, n := range count {
			if n > count[best] {
				best = c
			}
		}
		return best
	}
	weekday, saturday, makeUp, holiday := shade(bj(2025, 9, 29)), shade(bj(2025, 9, 27)), shade(bj(2025, 9, 28)), shade(bj(2025, 10, 3))
	if makeUp != weekday {
		t.Errorf("make-up Sunday 09-28 is drawn %v, want unshaded like Monday 09-29 (%v)", makeUp, weekday)
	}
	if saturday == weekday {
		t.Errorf("Saturday 09-27 is not shaded (%v)", saturday)
	}
	if holiday == weekday || holiday == saturday {
		t.Errorf("holiday 10-03 is drawn %v; want its own shade, not a weekday's %v or a weekend's %v", holiday, weekday, saturday)
	}
}

func TestRenderFrame(t *testing.T) {
	from, to := jan1, jan1.AddDate(0, 0, 7)
	o := Options{Width: 900, Height: 400, From: from, To: to, Font: mustFont(t), Unit: "kW",
		Series: []Series{{Name: "1#生产线", Role: Production, Points: Downsample(year(1, jan1), Power, from, to, 800)}},
		Lines:  []Line{{Value: 40, Label: "运行阈值 40 kW"}},
		Spans:  append(RestDays(nil, from, to), Span{From: from.Add(30 * time.Hour), To: from.Add(33 * time.Hour), Kind: Alarm, Label: "报警"}),
	}
	img, fr, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 400 {
		t.Errorf("image is %v, want 900x400", b)
	}
	if fr.Box.Left < 20 || fr.Box.Right > 900 || fr.Box.Top < 0 || fr.Box.Bottom > 400 || fr.Box.Width() < 600 {
		t.Errorf("plot box %+v is not inside the image with room for the y axis", fr.Box)
	}
	if fr.Max < 200 || fr.Min > 5 {
		t.Errorf("value range %v–%v does not cover the data 5–210", fr.Min, fr.Max)
	}
	at, _, ok := fr.At(fr.Box.Left+fr.Box.Width()/2, fr.Box.Top+1)
	if !ok || at.Sub(from.Add(to.Sub(from)/2)).Abs() > 30*time.Minute {
		t.Errorf("At(middle) = %v, %v; want about %v", at, ok, from.Add(to.Sub(from)/2))
	}
	if _, _, ok := fr.At(0, 0); ok {
		t.Error("At(0, 0) is outside the plot but reported ok")
	}
	if _, _, err := Render(Options{Width: 10, Height: 10, From: from, To: to}); err == nil {
		t.Error("Render of a 10x10 chart: want an error")
	}
}

// BenchmarkYear measures a one-year curve: downsampling 105,120 samples to
// 1,000 columns and drawing them.
func BenchmarkYear(b *testing.B) {
	samples := year(1, jan1)
	font := mustFont(b)
	to := jan1.AddDate(1, 0, 0)
	for b.Loop() {
		ps := Downsample(samples, Power, jan1, to, 1000)
		if _, _, err := Render(Options{Width: 1100, Height: 450, From: jan1, To: to, Font: font, Unit: "kW",
			Series: []Series{{Name: "line", Role: Production, Points: ps}}, Spans: RestDays(shippedCalendar(b), jan1, to)}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderPeriodTicks: a range of one period, one tick, draws (go-chart
// takes the axis range from explicit ticks and refused a single one).
func TestRenderPeriodTicks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to time.Time
		ticks    []time.Time
	}{
		{"one month", jan1, jan1.AddDate(0, 1, 0), []time.Time{jan1}},
		{"one year", jan1, jan1.AddDate(1, 0, 0), []time.Time{jan1}},
		{"three months", jan1, jan1.AddDate(0, 3, 0), []time.Time{jan1, jan1.AddDate(0, 1, 0), jan1.AddDate(0, 2, 0)}},
		{"ticks inside the range", jan1.AddDate(0, 0, -10), jan1.AddDate(0, 2, 5), []time.Time{jan1, jan1.AddDate(0, 1, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pts []store.CurvePoint
			for _, at := range tc.ticks {
				pts = append(pts, store.CurvePoint{At: at, Min: 120, Max: 120, Mean: 120, N: 1})
			}
			o := Options{Width: 900, Height: 300, From: tc.from, To: tc.to, Font: mustFont(t), Unit: "kWh",
				Ticks: tc.ticks, TickLayout: "2006-01", Series: []Series{{Name: "企业", Role: Production, Points: pts}}}
			if _, _, err := Render(o); err != nil {
				t.Fatal(err)
			}
		})
	}
}
