package control

import (
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/app/pdfdoc"
	"powerwatch/store"
)

// Title is the report's heading, e.g. "橙色预警 2026-11-20 00:00 – 2026-11-23 00:00 减排报告".
func Title(r store.EpisodeReport) string {
	return fmt.Sprintf("%s %s – %s 减排报告 Reduction report", levelName(r.Episode.Level), bj(r.Episode.Start), bj(r.Episode.End))
}

var facilityHead = []string{"企业 Enterprise", "设施 Facility", "行业 Industry", "指令 Order", "状态 State", "功率 kW",
	"用电 kWh", "基准 Baseline kWh", "允许 Allowance kWh", "减排率 Reduction", "报警 Alarms"}

var rowHead = []string{"名称 Name", "用电 kWh", "基准 Baseline kWh", "允许 Allowance kWh", "减排率 Reduction", "报警 Alarms"}

// WriteXLSX writes the report as an Excel workbook: facilities, enterprises
// and industries on three sheets; energies to 0.01 kWh, the reduction as a
// fraction to 0.0001, empty where the baseline is unknown.
func WriteXLSX(w io.Writer, r store.EpisodeReport) error {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []string{"设施 Facilities", "企业 Enterprises", "行业 Industries"}
	if err := f.SetSheetName("Sheet1", sheets[0]); err != nil {
		return err
	}
	for _, s := range sheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	put := func(sheet string, n int, cells []any) error {
		return f.SetSheetRow(sheet, "A"+strconv.Itoa(n), &cells)
	}
	head := func(h []string) []any {
		out := make([]any, len(h))
		for i, s := range h {
			out[i] = s
		}
		return out
	}
	if err := put(sheets[0], 1, head(facilityHead)); err != nil {
		return err
	}
	for i, x := range r.Facilities {
		if err := put(sheets[0], i+2, []any{x.Enterprise, x.Facility, x.Industry, orderName(x.Kind, x.CutPercent), stateName(x.State),
			num(x.PowerKW, 2), num(x.Energy, 2), num(x.Baseline, 2), num(x.Allowance, 2), num(reduction(x.Baseline, x.Energy), 4), x.Alarms}); err != nil {
			return fmt.Errorf("write facility row %d: %w", i+1, err)
		}
	}
	for k, rows := range [][]store.ReductionRow{r.Enterprises, append(append([]store.ReductionRow{}, r.Industries...), r.Total)} {
		sheet := sheets[k+1]
		if err := put(sheet, 1, head(rowHead)); err != nil {
			return err
		}
		for i, x := range rows {
			if err := put(sheet, i+2, []any{x.Name, num(x.Energy, 2), num(x.Baseline, 2), num(x.Allowance, 2), num(x.Reduction, 4), x.Alarms}); err != nil {
				return fmt.Errorf("write %s row %d: %w", sheet, i+1, err)
			}
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// WritePDF writes the report as an A4 PDF in the CJK font.
func WritePDF(w io.Writer, r store.EpisodeReport, compress bool) error {
	return WritePDFWithMap(w, r, compress, nil)
}

// WritePDFWithMap writes the report with, when m is not nil, the map of the
// enterprises under order coloured by compliance (drawn by the caller, see
// app/desk_map.go) after the totals.
func WritePDFWithMap(w io.Writer, r store.EpisodeReport, compress bool, m image.Image) error {
	d := pdfdoc.New(Title(r), compress)
	d.Fields(
		[2]string{"预警级别 Level", levelName(r.Episode.Level)},
		[2]string{"期间 Period", bj(r.Episode.Start) + " – " + bj(r.Episode.End)},
		[2]string{"统计至 Reported span", bj(r.From) + " – " + bj(r.To)},
		[2]string{"基准方法 Baseline", string(r.Method)},
		[2]string{"合计 Total", fmt.Sprintf("用电 %s kWh，基准 %s kWh，减排率 %s", txt(r.Total.Energy, 1), txt(r.Total.Baseline, 1), percent(r.Total.Reduction))},
	)
	if m != nil {
		d.Heading("管控企业分布 Enterprises under order")
		if err := d.Image(m); err != nil {
			return err
		}
	}
	rows := func(in []store.ReductionRow) [][]string {
		var out [][]string
		for _, x := range in {
			out = append(out, []string{x.Name, txt(x.Energy, 1), txt(x.Baseline, 1), txt(x.Allowance, 1), percent(x.Reduction), strconv.Itoa(x.Alarms)})
		}
		return out
	}
	widths := []float64{50, 25, 30, 30, 25, 20}
	d.Heading("按行业 By industry")
	d.Table(widths, rowHead, rows(r.Industries))
	d.Heading("按企业 By enterprise")
	d.Table(widths, rowHead, rows(r.Enterprises))
	d.Heading("按设施 By facility")
	var fr [][]string
	for _, x := range r.Facilities {
		fr = append(fr, []string{x.Enterprise, x.Facility, orderName(x.Kind, x.CutPercent), stateName(x.State),
			txt(x.Energy, 1), txt(x.Baseline, 1), txt(x.Allowance, 1), percent(reduction(x.Baseline, x.Energy)), strconv.Itoa(x.Alarms)})
	}
	d.Table([]float64{32, 24, 18, 14, 20, 20, 20, 18, 14},
		[]string{"企业", "设施", "指令", "状态", "用电 kWh", "基准 kWh", "允许 kWh", "减排率", "报警"}, fr)
	return d.Write(w)
}

func reduction(baseline, energy float64) float64 {
	if !(baseline > 0) {
		return math.NaN()
	}
	return (baseline - energy) / baseline
}

func num(v float64, decimals int) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func txt(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

func percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

func bj(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02 15:04") }

func levelName(l store.Level) string {
	switch l {
	case store.Yellow:
		return "黄色预警"
	case store.Orange:
		return "橙色预警"
	case store.Red:
		return "红色预警"
	}
	return "无级别"
}

func orderName(k store.OrderKind, cut float64) string {
	if k == store.Shutdown {
		return "停产"
	}
	return fmt.Sprintf("限产 %g%%", cut)
}

func stateName(s string) string {
	switch s {
	case store.StateRunning:
		return "运行"
	case store.StatePartial:
		return "低负荷"
	case store.StateStopped:
		return "停机"
	}
	return "未知"
}
