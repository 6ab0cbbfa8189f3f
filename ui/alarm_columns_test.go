package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// headerAt is the header label reading text in the alarm table and where it is.
func headerAt(t *testing.T, as *alarmsScreen, text string) (*headerLabel, fyne.Position) {
	t.Helper()
	var found *headerLabel
	walk(as.table, func(o fyne.CanvasObject) {
		if h, ok := o.(*headerLabel); ok && h.Text == text && h.Visible() && found == nil {
			found = h
		}
	})
	if found == nil {
		t.Fatalf("no header %q in the alarm table", text)
	}
	return found, fyne.CurrentApp().Driver().AbsolutePositionForObject(found)
}

// TestAlarmColumnsResize: at 1366×768 the pointer on the gap between two
// headers of the queue reaches the table (our clickable headers do not take
// it), which offers the resize cursor, and dragging there widens the column.
func TestAlarmColumnsResize(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1))
	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	h0, p0 := headerAt(t, as, as.tbl.header(0))
	_, p1 := headerAt(t, as, as.tbl.header(1))
	before := h0.Size().Width
	gap := fyne.NewPos((p0.X+before+p1.X)/2, p0.Y+h0.Size().Height/2)
	test.MoveMouse(w.Canvas(), gap)
	if c := as.table.Cursor(); c != desktop.HResizeCursor {
		t.Fatalf("between the first two headers the cursor is %v, want the resize cursor", c)
	}
	at := gap.Subtract(fyne.CurrentApp().Driver().AbsolutePositionForObject(as.table))
	as.table.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	as.table.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at.AddXY(80, 0)}, Dragged: fyne.Delta{DX: 80}})
	as.table.DragEnd()
	as.table.MouseUp(&desktop.MouseEvent{})
	s.Wait()
	h0, _ = headerAt(t, as, as.tbl.header(0))
	if after := h0.Size().Width; after < before+70 {
		t.Errorf("dragging the gap 80 px right left the column %v wide (was %v)", after, before)
	}
}

// TestAlarmCellFullText: an enterprise name too long for its column is
// ellipsized, and the pointer over it shows it whole in the line under
// the table.
func TestAlarmCellFullText(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1))
	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	if len(as.rows) == 0 {
		t.Fatal("the demo queue is empty")
	}
	as.table.SetColumnWidth(0, 60) // narrower than any name
	as.table.Refresh()
	s.Wait()
	name := as.tbl.cell(0, 0)
	var cell *cellLabel
	walk(as.table, func(o fyne.CanvasObject) {
		if l, ok := o.(*cellLabel); ok && l.Text == name && l.Visible() && cell == nil {
			cell = l
		}
	})
	if cell == nil {
		t.Fatalf("no cell shows %q", name)
	}
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(cell)
	test.MoveMouse(w.Canvas(), p.AddXY(cell.Size().Width/2, cell.Size().Height/2))
	if as.tbl.hint.Text != name {
		t.Errorf("over %q cut to 60 px the line under the table says %q", name, as.tbl.hint.Text)
	}
	hp, hs, cs := fyne.CurrentApp().Driver().AbsolutePositionForObject(as.tbl.hint), as.tbl.hint.Size(), w.Canvas().Size()
	if !as.tbl.hint.Visible() || hs.Width < 200 || hp.Y < 0 || hp.Y+hs.Height > cs.Height+0.5 {
		t.Errorf("the line under the table is not on screen: at %v, %v in %v", hp, hs, cs)
	}
}
