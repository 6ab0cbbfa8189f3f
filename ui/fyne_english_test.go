package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// shownTexts returns every text visible under o: labels, buttons, checks,
// rich texts (a Select's placeholder, an Entry's hint) and canvas texts,
// leaving out what is hidden or under something hidden.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *widget.Check:
			out = append(out, x.Text)
		case *widget.RichText:
			out = append(out, x.String())
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Select:
			if x.Selected == "" {
				out = append(out, x.PlaceHolder)
			}
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c)
			}
		}
	}
	visit(o)
	return out
}

// fyneEnglishShown lists Fyne's own English texts (fyneEnglish) visible in
// w, its content and every dialog over it, as whole lines of text.
func fyneEnglishShown(w fyne.Window) []string {
	objs := append([]fyne.CanvasObject{w.Canvas().Content()}, w.Canvas().Overlays().List()...)
	var found []string
	for _, o := range objs {
		for _, s := range shownTexts(o) {
			for _, line := range strings.Split(s, "\n") {
				for _, en := range fyneEnglish {
					if strings.TrimSpace(line) == en {
						found = append(found, en)
					}
				}
			}
		}
	}
	return found
}

// TestNoFyneEnglish opens every main view, the pages and forms under them
// and the app's dialogs in Chinese over the demo district, and fails on any
// of Fyne's English texts ("(Select one)", "Open File", "Overwrite?", …).
func TestNoFyneEnglish(t *testing.T) {
	base := demoDistrict(demoNow)
	rf := &reviewFake{fakeStore: base}
	sf := &statsFake{fakeStore: base}
	of := &ordersFake{fakeStore: base}
	pf := &replayFake{current: store.RuleSet{Version: 3, TreatmentOffMin: 15 * time.Minute, ShutdownIgnoredMin: 30 * time.Minute,
		CutMarginPct: 10, CutMin: time.Hour, OfflineAfter: 30 * time.Minute, MajorAfter: time.Hour, SevereAfter: 4 * time.Hour}}
	d := demoDeps(base, demoNow)
	d.Registry, d.Review, d.Evidence, d.Packages, d.Stats, d.DayNight, d.Orders, d.Replay = of, rf, rf, rf, sf, sf, of, pf
	s, w := mustShell(t, d)
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1))
	check := func(where string) {
		t.Helper()
		s.Wait()
		if en := fyneEnglishShown(w); len(en) > 0 {
			t.Errorf("%s shows Fyne's English %q", where, en)
		}
	}
	closeDialogs := func() {
		for top := w.Canvas().Overlays().Top(); top != nil; top = w.Canvas().Overlays().Top() {
			w.Canvas().Overlays().Remove(top)
		}
	}
	for _, v := range Views {
		s.Show(v)
		check(string(v))
	}

	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	as.move(1)
	for i := range as.detail.tabs.Items {
		as.detail.tabs.SelectIndex(i)
		check(fmt.Sprintf("the alarm detail, tab %d", i))
	}
	as.onExportEvidence()
	check("the evidence folder dialog")
	closeDialogs()
	as.onExportPackage()
	check("the review package save dialog")
	closeDialogs()

	s.Show(ViewEnterprises)
	s.Wait()
	p := s.ents.open(1)
	s.Wait()
	for i := range p.tabs.Items {
		p.tabs.SelectIndex(i)
		check(fmt.Sprintf("the enterprise page, tab %d", i))
	}
	p.editEnterprise()
	check("the enterprise form")
	closeDialogs()
	p.editFacility(p.data.facilities[0])
	check("the facility form")
	closeDialogs()
	p.addThreshold(p.data.facilities[0])
	check("the threshold form")
	closeDialogs()
	s.ents.onImport()
	check("the registry open dialog")
	closeDialogs()

	s.Show(ViewTerminals)
	s.Wait()
	s.terms.open(s.terms.rows[0])
	check("the terminal page")
	s.Show(ViewTerminals)
	s.Wait()
	s.terms.tabs.SelectIndex(1)
	check("the quarantine")
	s.terms.quar.onRegister(store.QuarantinedPacket{MN: "88888880000001"})
	check("the registration form")
	closeDialogs()

	s.Show(ViewOrders)
	s.Wait()
	od := s.screens[ViewOrders].(*ordersScreen)
	od.list.Select(0)
	check("the episode board")
	od.onNewOrder()
	check("the new order form")
	closeDialogs()
	od.onNewFiling()
	check("the new filing form")
	closeDialogs()

	s.Show(ViewMaintenance)
	s.Wait()
	ms := s.screens[ViewMaintenance].(*maintenanceScreen)
	for i := range ms.tabs.Items {
		ms.tabs.SelectIndex(i)
		check(fmt.Sprintf("maintenance, tab %d", i))
	}
	ms.recordDialog(store.Task{ID: 1, EnterpriseID: 1, Reason: "巡检"})
	check("the maintenance record form")
	closeDialogs()

	s.confirm("删除", "确定？", "删除", func() {})
	check("a confirmation")
	closeDialogs()
	fd := s.saveFileDialog(s.tr.T("fd.title.save"), "a.xlsx", func(string) {})
	root := t.TempDir()
	fd.open(root)
	check("the save dialog")
	if err := writeEmpty(root, "a.xlsx"); err != nil {
		t.Fatal(err)
	}
	test.Tap(fd.ok)
	check("the overwrite question")
	closeDialogs()
}

func writeEmpty(dir, name string) error {
	return os.WriteFile(filepath.Join(dir, name), nil, 0o644)
}
