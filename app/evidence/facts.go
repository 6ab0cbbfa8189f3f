package evidence

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/golang/freetype/truetype"

	"powerwatch/alarmview"
	"powerwatch/assets"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// facts is everything the files are made of.
type facts struct {
	view    alarmview.View // the alarm as the window shows it: series, facilities, thresholds, rule set
	ent     store.Enterprise
	mns     []string
	packets []store.RawPacket
	zh, en  texts // the translations, for the PDF's Chinese text and its English glosses
}

func (f *facts) ev() store.AlarmEvidence { return f.view.Evidence }

func gather(ctx context.Context, src Source, id int64, margin time.Duration) (*facts, error) {
	v, err := alarmview.Load(ctx, src, id, margin)
	if err != nil {
		return nil, err
	}
	f := &facts{view: v}
	if f.zh, err = loadTexts("zh"); err != nil {
		return nil, err
	}
	if f.en, err = loadTexts("en"); err != nil {
		return nil, err
	}
	ev := v.Evidence
	if f.ent, err = src.EnterpriseByID(ctx, ev.Alarm.EnterpriseID); err != nil {
		return nil, fmt.Errorf("enterprise %d: %w", ev.Alarm.EnterpriseID, err)
	}
	terms := map[int64]bool{}
	for _, p := range v.Points {
		if terms[p.TerminalID] {
			continue
		}
		terms[p.TerminalID] = true
		t, err := src.TerminalByID(ctx, p.TerminalID)
		if err != nil {
			return nil, fmt.Errorf("terminal %d: %w", p.TerminalID, err)
		}
		f.mns = append(f.mns, t.MN)
	}
	for _, mn := range f.mns {
		ps, err := src.RawPackets(ctx, mn, ev.From, ev.To)
		if err != nil {
			return nil, fmt.Errorf("raw packets of %s: %w", mn, err)
		}
		f.packets = append(f.packets, ps...)
	}
	return f, nil
}

// pdfCharts are the images of the PDF: the power chart (also chart.png) and,
// for a 限产未落实, the cumulative chart (nil otherwise).
type pdfCharts struct {
	power, cut image.Image
}

// The PDF's charts, drawn at a size that prints sharp over the page's width.
const chartW, chartH = 1200, 560

// charts draws the alarm's charts from the specs the window draws
// (alarmview.Chart, alarmview.CutChart), with Chinese labels.
func (f *facts) charts() (pdfCharts, error) {
	var c pdfCharts
	font, err := truetype.Parse(assets.FontRegular.Content())
	if err != nil {
		return c, fmt.Errorf("read the CJK font: %w", err)
	}
	o := pdfChart(f.view, f.zh)
	o.Width, o.Height, o.Font = chartW, chartH, font
	if c.power, _, err = chart.Render(o); err != nil {
		return c, err
	}
	if o, ok := alarmview.CutChart(f.view, f.zh); ok {
		o.Width, o.Height, o.Font = chartW, chartH*3/4, font
		if c.cut, _, err = chart.Render(o); err != nil {
			return c, err
		}
	}
	return c, nil
}
