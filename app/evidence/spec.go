package evidence

import (
	"context"
	"time"

	"powerwatch/alarmview"
	"powerwatch/ui/chart"
)

// ChartSpec is the power chart evidence.pdf draws for alarm id, before size
// and font: alarmview.Chart over the alarm as Export reads it, with the
// PDF's Chinese labels. Tests compare it with what the window shows.
func ChartSpec(ctx context.Context, src alarmview.Source, id int64, margin time.Duration) (chart.Options, error) {
	v, err := alarmview.Load(ctx, src, id, margin)
	if err != nil {
		return chart.Options{}, err
	}
	zh, err := loadTexts("zh")
	if err != nil {
		return chart.Options{}, err
	}
	return pdfChart(v, zh), nil
}

// pdfChart is the PDF's power chart spec; charts draws it.
func pdfChart(v alarmview.View, zh texts) chart.Options { return alarmview.Chart(v, zh) }
