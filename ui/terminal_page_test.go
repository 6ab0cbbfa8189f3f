package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestTerminalPageDiagnostics: a terminal whose frames were rejected shows
// the count and the reason on its page, and its split uploads waiting for
// parts; a terminal without either shows nothing there.
func TestTerminalPageDiagnostics(t *testing.T) {
	f := demoDistrict(demoNow)
	f.states[0].Rejected, f.states[0].RejectReason, f.states[0].RejectedAt = 3, "CRC 不符 — 疑似使用 MODBUS CRC", demoNow
	f.states[0].Incomplete = 1
	s, _ := mustShell(t, demoDeps(f, demoNow))
	for i, want := range []string{"3 — CRC 不符 — 疑似使用 MODBUS CRC", ""} {
		p := newTerminalPage(s, termRow{t: f.terms[i]}, func() {})
		p.refresh()
		s.Wait()
		got := p.diag.Text
		switch {
		case want == "" && got != "":
			t.Errorf("terminal %d: diagnostics %q, want none", i, got)
		case want != "" && (!strings.Contains(got, want) || !strings.Contains(got, "未完整的分包上传: 1")):
			t.Errorf("terminal %d: diagnostics %q, want %q and one incomplete split upload", i, got, want)
		}
	}
}

// TestRegister2005MN: a 14-character HJ/T 212-2005 MN from the quarantine is
// registered after the operator saw the warning and saved again.
func TestRegister2005MN(t *testing.T) {
	f := demoDistrict(demoNow)
	s, w := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewTerminals)
	s.Wait()
	s.terms.tabs.SelectIndex(1)
	s.Wait()
	q := s.terms.quar
	if len(q.items) != 1 {
		t.Fatalf("quarantine shows %d MNs, want 1", len(q.items))
	}
	q.onRegister(q.items[0])
	dlg := topDialog(t, w)
	var sel *widget.Select
	var entries []*widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Select:
			sel = x
		case *widget.Entry:
			entries = append(entries, x)
		}
	})
	entries[0].SetText("8800000A000012")
	sel.SetSelectedIndex(2)
	test.Type(entries[1], "123456")
	save := button(t, dlg, "保存")
	test.Tap(save)
	s.Wait()
	if !strings.Contains(texts(dlg), "HJ/T 212-2005") || len(f.terms) != 4 {
		t.Fatalf("first save of a 2005 MN: dialog says\n%s\nand %d terminals; want the warning and nothing registered", texts(dlg), len(f.terms))
	}
	test.Tap(save)
	s.Wait()
	if len(f.terms) != 5 || f.terms[4].MN != "8800000A000012" {
		t.Fatalf("after confirming, terminals = %d (last %+v), want the 2005 MN registered", len(f.terms), f.terms[len(f.terms)-1])
	}
	entries[0].SetText("8800000A0000") // 12 characters: still refused
	test.Tap(save)
	s.Wait()
	if !strings.Contains(texts(dlg), "24位十六进制") {
		t.Errorf("a 12-character MN: dialog says\n%s", texts(dlg))
	}
}
