package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestAskOperator: a shell on a review package asks the reviewer's name
// before anything else, will not take an empty one, and remembers it, so
// decisions carry it and the next start does not ask; the office shell never asks.
func TestAskOperator(t *testing.T) {
	deps := demoDeps(demoDistrict(demoNow), demoNow)
	deps.Operator = "laptop-login"
	deps.AskOperator = true
	s, w := mustShell(t, deps)
	dlg := topDialog(t, w)
	ok := button(t, dlg, "确定")
	var entry *widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		if e, isEntry := o.(*widget.Entry); isEntry && entry == nil {
			entry = e
		}
	})
	if entry == nil {
		t.Fatalf("the dialog has no entry:\n%s", texts(dlg))
	}
	test.Type(entry, "   ")
	test.Tap(ok)
	if w.Canvas().Overlays().Top() == nil || s.operator() != "laptop-login" {
		t.Fatalf("a blank name closed the dialog or was taken (operator %q)", s.operator())
	}
	entry.SetText("")
	test.Type(entry, "王芳")
	test.Tap(ok)
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog is still shown after a name was given")
	}
	if got := s.operator(); got != "王芳" {
		t.Errorf("operator = %q, want the name given", got)
	}
	again, err := New(s.app, test.NewTempWindow(t, nil), deps)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	again.Wait()
	if top := again.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("the second start asks again:\n%s", texts(top))
	}

	office := demoDeps(demoDistrict(demoNow), demoNow)
	_, w2 := mustShell(t, office)
	if top := w2.Canvas().Overlays().Top(); top != nil {
		t.Errorf("the office shell asks for a name:\n%s", texts(top))
	}
}
