package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"powerwatch/store"
)

// Diagram geometry: three columns (production → treatment → outlet) of boxes.
const (
	boxW, boxH  = 220, 54
	colGap      = 110
	rowGap      = 26
	diagramEdge = 16
)

// newChainDiagram draws the 产治排 relation: each production facility linked to
// its treatment facilities (standby links grey and marked 备, N-of-M groups
// labelled), each treatment facility to its outlet. Total-supply and indirect
// facilities are listed under the production column without links.
func newChainDiagram(s *Shell, fs []store.Facility, links []store.Link) fyne.CanvasObject {
	c := container.NewWithoutLayout()
	col := func(i int) float32 { return diagramEdge + float32(i)*(boxW+colGap) }
	row := func(i int) float32 { return diagramEdge + 30 + float32(i)*(boxH+rowGap) }
	for i, h := range []string{"diagram.production", "diagram.treatment", "diagram.outlet"} {
		t := canvas.NewText(s.tr.T(h), theme.Color(theme.ColorNameForeground))
		t.TextStyle.Bold = true
		t.Move(fyne.NewPos(col(i), diagramEdge))
		c.Add(t)
	}
	pos := map[int64]fyne.Position{} // facility id → box origin
	var prod, treat, other []store.Facility
	for _, f := range fs {
		switch f.Kind {
		case store.Production, store.Integrated:
			prod = append(prod, f)
		case store.Treatment:
			treat = append(treat, f)
		default:
			other = append(other, f)
		}
	}
	linked := map[int64][]store.Link{}
	for _, l := range links {
		linked[l.ProductionID] = append(linked[l.ProductionID], l)
	}
	for i, f := range append(prod, other...) {
		pos[f.ID] = fyne.NewPos(col(0), row(i))
		note := s.facilityKind(f.Kind)
		warn := false
		switch {
		case f.Kind == store.Production && len(linked[f.ID]) == 0:
			note, warn = note+" · "+s.tr.T("diagram.unlinked"), true
		case !f.LinksConfirmed && store.LinksAmbiguous(linked[f.ID]):
			// stored before the stage syntax: still judged as "any one suffices"
			note, warn = note+" · "+s.tr.T("diagram.unconfirmed"), true
		}
		addBox(c, pos[f.ID], f.Name, note, warn)
	}
	outlets := map[string]fyne.Position{}
	for i, f := range treat {
		pos[f.ID] = fyne.NewPos(col(1), row(i))
		addBox(c, pos[f.ID], f.Name, fmt.Sprintf("%s · %.0f kW", s.facilityKind(f.Kind), f.RatedKW), false)
		if f.Outlet == "" {
			continue
		}
		op, ok := outlets[f.Outlet]
		if !ok {
			op = fyne.NewPos(col(2), row(len(outlets)))
			outlets[f.Outlet] = op
			addBox(c, op, f.Outlet, s.tr.T("diagram.outlet"), false)
		}
		addLine(c, pos[f.ID], op, theme.Color(theme.ColorNamePrimary), "")
	}
	for _, l := range links {
		from, ok1 := pos[l.ProductionID]
		to, ok2 := pos[l.TreatmentID]
		if !ok1 || !ok2 {
			continue
		}
		clr, label := theme.Color(theme.ColorNamePrimary), ""
		if l.Role == store.Standby {
			clr, label = theme.Color(theme.ColorNameWarning), s.tr.T("diagram.standby")
		}
		if l.Group != "" && l.Need > 1 {
			label += " " + s.tr.T("diagram.group", l.Group, l.Need)
		}
		addLine(c, from, to, clr, label)
	}
	rows := max(len(prod)+len(other), len(treat), len(outlets))
	size := fyne.NewSize(col(3)-colGap+diagramEdge, row(rows)+diagramEdge)
	bg := canvas.NewRectangle(color.Transparent)
	bg.SetMinSize(size)
	return container.NewStack(bg, c)
}

func addBox(c *fyne.Container, at fyne.Position, title, note string, warn bool) {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.StrokeColor = theme.Color(theme.ColorNamePrimary)
	if warn {
		r.StrokeColor = theme.Color(theme.ColorNameError)
	}
	r.StrokeWidth = 1.5
	r.CornerRadius = 6
	r.Resize(fyne.NewSize(boxW, boxH))
	r.Move(at)
	t := canvas.NewText(title, theme.Color(theme.ColorNameForeground))
	t.TextStyle.Bold = true
	t.Move(at.Add(fyne.NewPos(10, 6)))
	n := canvas.NewText(note, theme.Color(theme.ColorNamePlaceHolder))
	n.TextSize = theme.CaptionTextSize()
	n.Move(at.Add(fyne.NewPos(10, 30)))
	c.Add(r)
	c.Add(t)
	c.Add(n)
}

// addLine joins the right edge of box a to the left edge of box b, with an
// optional label at its middle.
func addLine(c *fyne.Container, a, b fyne.Position, clr color.Color, label string) {
	p1 := a.Add(fyne.NewPos(boxW, boxH/2))
	p2 := b.Add(fyne.NewPos(0, boxH/2))
	l := canvas.NewLine(clr)
	l.StrokeWidth = 2
	l.Position1, l.Position2 = p1, p2
	c.Add(l)
	head := canvas.NewCircle(clr)
	head.Resize(fyne.NewSize(8, 8))
	head.Move(p2.Subtract(fyne.NewPos(4, 4)))
	c.Add(head)
	if label != "" {
		t := canvas.NewText(label, clr)
		t.TextStyle.Bold = true
		t.Move(fyne.NewPos(p1.X+(p2.X-p1.X)/3, p1.Y+(p2.Y-p1.Y)/3-22))
		c.Add(t)
	}
}
