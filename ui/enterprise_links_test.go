package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

func TestDescribeStages(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	for _, tt := range []struct{ cell, want string }{
		{"", "无关联治理设施"},
		{"喷淋塔+活性炭", "第1级：喷淋塔 须运行|第2级：活性炭 须运行"},
		{"1号除尘|2号除尘(备)", "第1级：1号除尘、2号除尘(备) 任一运行即可"},
		{"A+B(备)", "第1级：A 须运行|备用：B 可替代任一主用设施"},
		{"2of3(A,B,C)", "第1级：A、B、C（共3台）中至少 2 台运行"},
		{"喷淋塔+3选2(A,B,C)", "第1级：喷淋塔 须运行|第2级：A、B、C（共3台）中至少 2 台运行"},
	} {
		tbs, err := store.ParseTreatedBy(tt.cell)
		if err != nil {
			t.Fatalf("%q: %v", tt.cell, err)
		}
		if got := strings.Join(describeStages(s.tr, tbs), "|"); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.cell, got, tt.want)
		}
	}
}

// TestEditLinks: 一企一档 shows a line's links and a warning while they are
// unconfirmed and ambiguous; typing a cell shows its meaning, refuses unknown
// units, and saving makes the links the typed stages, confirmed.
func TestEditLinks(t *testing.T) {
	f := demoDistrict(demoNow)
	// 2#生产线 of 华北建材 gets a second active unit: an old, ungrouped pair.
	f.links = append(f.links, store.Link{ID: 900, ProductionID: 12, TreatmentID: 14, Role: store.Active})
	s, w := mustShell(t, demoDeps(f, demoNow))
	p := openEnterprise(t, s, 1)
	got := texts(p.facilities)
	for _, want := range []string{"关联治理：布袋除尘器+备用除尘器(备)", "关联治理：布袋除尘器|备用除尘器\n", "关联未确认"} {
		if !strings.Contains(got+"\n", want) {
			t.Errorf("facilities tab lacks %q:\n%s", want, got)
		}
	}
	var line store.Facility
	for _, x := range f.facs {
		if x.ID == 12 {
			line = x
		}
		if x.ID == 11 && strings.Contains(p.linksText(x), "关联未确认") {
			t.Error("a main unit with its standby is not ambiguous, yet warned")
		}
	}
	p.editLinks(line)
	dlg := topDialog(t, w)
	var entry *widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entry = e
		}
	})
	if entry.Text != "布袋除尘器|备用除尘器" {
		t.Errorf("the cell opens as %q, want the meaning in force", entry.Text)
	}
	entry.SetText("布袋除尘器+喷淋塔")
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if !strings.Contains(texts(dlg), "没有名为“喷淋塔”的设施") {
		t.Errorf("unknown unit: dialog shows\n%s", texts(dlg))
	}
	entry.SetText("布袋除尘器+备用除尘器")
	if !strings.Contains(texts(dlg), "第2级：备用除尘器 须运行") {
		t.Errorf("the meaning does not follow the cell:\n%s", texts(dlg))
	}
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if w.Canvas().Overlays().Top() != nil {
		t.Fatalf("dialog still open:\n%s", texts(dlg))
	}
	var mine []store.Link
	for _, l := range f.links {
		if l.ProductionID == 12 {
			mine = append(mine, l)
		}
	}
	if len(mine) != 2 || mine[0].Group != "" || mine[1].Group != "" || mine[0].Role != store.Active || mine[1].Role != store.Active {
		t.Errorf("links after save = %+v, want two active ungrouped stages", mine)
	}
	if last := f.audit[len(f.audit)-1]; !strings.HasSuffix(last, "setlinks facility 12") {
		t.Errorf("last audit entry %q", last)
	}
	if got := texts(p.facilities); strings.Contains(got, "关联未确认") || !strings.Contains(got, "关联治理：布袋除尘器+备用除尘器") {
		t.Errorf("after save the page shows:\n%s", got)
	}
}
