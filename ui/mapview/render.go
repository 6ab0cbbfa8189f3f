package mapview

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"powerwatch/assets"
)

// Colours of the base map.
var (
	colSea      = color.NRGBA{0xe8, 0xee, 0xf3, 0xff}
	colLand     = color.NRGBA{0xf7, 0xf6, 0xf2, 0xff}
	colHome     = color.NRGBA{0xff, 0xf4, 0xd6, 0xff}
	colBorder   = color.NRGBA{0xa0, 0xa8, 0xb0, 0xff}
	colHomeEdge = color.NRGBA{0xe0, 0x8a, 0x00, 0xff}
	colText     = color.NRGBA{0x45, 0x4a, 0x50, 0xff}
	colStreet   = color.NRGBA{0x6d, 0x74, 0x7c, 0xff}
	colRing     = color.NRGBA{0x10, 0x10, 0x10, 0xff}
)

// A Renderer paints scenes. It holds the parsed font and its faces; make one
// per map and use it from one goroutine at a time.
type Renderer struct {
	font  *truetype.Font
	faces map[float64]font.Face
	z     vector.Rasterizer
}

// NewRenderer parses the embedded CJK font.
func NewRenderer() (*Renderer, error) {
	f, err := truetype.Parse(assets.FontRegular.Content())
	if err != nil {
		return nil, fmt.Errorf("map font: %w", err)
	}
	return &Renderer{font: f, faces: map[float64]font.Face{}}, nil
}

func (r *Renderer) face(size float64) font.Face {
	size = math.Round(size*2) / 2
	f, ok := r.faces[size]
	if !ok {
		f = truetype.NewFace(r.font, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingFull})
		r.faces[size] = f
	}
	return f
}

// A Placed marker or cluster, in the picture's pixels: what Render drew and
// where, for hit tests.
type Placed struct {
	X, Y, R float64
	Members []int // indexes into Scene.Markers, worst state first
	State   State
}

// Render paints sc as seen through v into dst, at scale device pixels per
// device-independent pixel (markers, lines and text grow with it). It
// returns the markers and clusters as drawn.
func (r *Renderer) Render(dst *image.RGBA, sc *Scene, v View, scale float64) []Placed {
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	draw.Draw(dst, b, image.NewUniform(colSea), image.Point{}, draw.Src)
	r.areas(dst, sc, v, w, h, scale)
	placed := cluster(sc.Markers, v, w, h, scale)
	occupied := r.areaLabels(dst, sc, v, w, h, scale, placed)
	r.streetLabels(dst, sc, v, w, h, scale, occupied)
	r.markers(dst, sc, placed, scale)
	if len(sc.Legend) > 0 || sc.Title != "" {
		r.legend(dst, sc, scale)
	}
	return placed
}

// areas fills every district and draws its outline, the home district last.
func (r *Renderer) areas(dst *image.RGBA, sc *Scene, v View, w, h, scale float64) {
	order := make([]int, len(sc.Areas))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(b2i(sc.Areas[a].Name == sc.Home), b2i(sc.Areas[b].Name == sc.Home))
	})
	for _, i := range order {
		a := &sc.Areas[i]
		fill, edge, width := colLand, colBorder, 1.0*scale
		if a.Name == sc.Home {
			fill, edge, width = colHome, colHomeEdge, 2.5*scale
		}
		rings := r.project(a.Polygons, v, w, h)
		bx := ringsBounds(rings, width).Intersect(dst.Bounds())
		if bx.Empty() {
			continue
		}
		r.z.Reset(bx.Dx(), bx.Dy())
		for _, ring := range rings {
			pathTo(&r.z, ring, bx.Min)
		}
		r.z.Draw(dst, bx, image.NewUniform(fill), image.Point{})
		r.z.Reset(bx.Dx(), bx.Dy())
		for _, ring := range rings {
			strokeTo(&r.z, ring, bx.Min, width)
		}
		r.z.Draw(dst, bx, image.NewUniform(edge), image.Point{})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type pt struct{ x, y float64 }

func (r *Renderer) project(polys [][][]geoPoint, v View, w, h float64) [][]pt {
	var out [][]pt
	for _, poly := range polys {
		for _, ring := range poly {
			ps := make([]pt, len(ring))
			for i, p := range ring {
				ps[i].x, ps[i].y = v.ToPixel(p, w, h)
			}
			out = append(out, ps)
		}
	}
	return out
}

func ringsBounds(rings [][]pt, pad float64) image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, ring := range rings {
		for _, p := range ring {
			x0, y0, x1, y1 = math.Min(x0, p.x), math.Min(y0, p.y), math.Max(x1, p.x), math.Max(y1, p.y)
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	return image.Rect(int(math.Floor(x0-pad-1)), int(math.Floor(y0-pad-1)), int(math.Ceil(x1+pad+1)), int(math.Ceil(y1+pad+1)))
}

// pathTo adds ring as a closed path, relative to origin o.
func pathTo(z *vector.Rasterizer, ring []pt, o image.Point) {
	if len(ring) < 3 {
		return
	}
	ox, oy := float64(o.X), float64(o.Y)
	z.MoveTo(float32(ring[0].x-ox), float32(ring[0].y-oy))
	for _, p := range ring[1:] {
		z.LineTo(float32(p.x-ox), float32(p.y-oy))
	}
	z.ClosePath()
}

// strokeTo adds the outline of ring, width wide, as one quad per edge. Every
// quad winds the same way, so where they overlap they add up, never cancel.
func strokeTo(z *vector.Rasterizer, ring []pt, o image.Point, width float64) {
	ox, oy := float64(o.X), float64(o.Y)
	for i := 1; i < len(ring); i++ {
		a, b := ring[i-1], ring[i]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l < 0.01 {
			continue
		}
		// Extend each edge by half the width so that corners have no notch.
		ex, ey := dx/l*width/2, dy/l*width/2
		nx, ny := -ey, ex
		z.MoveTo(float32(a.x-ex+nx-ox), float32(a.y-ey+ny-oy))
		z.LineTo(float32(b.x+ex+nx-ox), float32(b.y+ey+ny-oy))
		z.LineTo(float32(b.x+ex-nx-ox), float32(b.y+ey-ny-oy))
		z.LineTo(float32(a.x-ex-nx-ox), float32(a.y-ey-ny-oy))
		z.ClosePath()
	}
}

// areaLabels writes district names at their label points, and returns the
// rectangles taken (by names and markers) for the street names to avoid.
func (r *Renderer) areaLabels(dst *image.RGBA, sc *Scene, v View, w, h, scale float64, placed []Placed) []image.Rectangle {
	var names []image.Rectangle // district names avoid each other, the home district's first
	order := slices.Clone(sc.Areas)
	slices.SortStableFunc(order, func(a, b geoArea) int { return cmp.Compare(b2i(b.Name == sc.Home), b2i(a.Name == sc.Home)) })
	for _, a := range order {
		size := 12.0
		if a.Name == sc.Home {
			size = 15
		}
		x, y := v.ToPixel(a.Center, w, h)
		if rect, ok := r.text(dst, a.Name, x, y, size*scale, colText, names); ok {
			names = append(names, rect)
		}
	}
	taken := names
	for _, p := range placed {
		taken = append(taken, image.Rect(int(p.X-p.R), int(p.Y-p.R), int(p.X+p.R), int(p.Y+p.R)))
	}
	return taken
}

// streetLabels writes the street names that fit without touching a marker,
// a district name or each other; zoomed out, most do not fit and are left out.
func (r *Renderer) streetLabels(dst *image.RGBA, sc *Scene, v View, w, h, scale float64, taken []image.Rectangle) {
	if v.PxPerDeg < 1500*scale { // a whole district: street names would be a smear
		return
	}
	// A street's markers sit on its label point: try beside them too.
	offsets := [][2]float64{{0, 0}, {0, -22}, {0, 22}, {0, -40}, {0, 40}}
	for _, l := range sc.Labels {
		x, y := v.ToPixel(l.Pos, w, h)
		for _, o := range offsets {
			if rect, ok := r.text(dst, l.Text, x+o[0]*scale, y+o[1]*scale, 11*scale, colStreet, taken); ok {
				taken = append(taken, rect)
				break
			}
		}
	}
}

// text draws s centred on (x, y) unless its box would leave the picture or
// overlap one of avoid. It returns the box.
func (r *Renderer) text(dst *image.RGBA, s string, x, y, size float64, c color.Color, avoid []image.Rectangle) (image.Rectangle, bool) {
	f := r.face(size)
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f}
	adv := d.MeasureString(s).Ceil()
	m := f.Metrics()
	asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
	x0, y0 := int(x)-adv/2, int(y)-(asc+desc)/2
	rect := image.Rect(x0-2, y0-1, x0+adv+2, y0+asc+desc+1)
	if !rect.In(dst.Bounds()) {
		return rect, false
	}
	for _, o := range avoid {
		if rect.Overlaps(o) {
			return rect, false
		}
	}
	// A light halo keeps names readable over outlines and markers.
	halo := color.NRGBA{0xff, 0xff, 0xff, 0xb0}
	hd := font.Drawer{Dst: dst, Src: image.NewUniform(halo), Face: f}
	for _, o := range [][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		hd.Dot = fixed.P(x0+o[0], y0+asc+o[1])
		hd.DrawString(s)
	}
	d.Dot = fixed.P(x0, y0+asc)
	d.DrawString(s)
	return rect, true
}

// markers draws the clusters and single markers, the worst on top.
func (r *Renderer) markers(dst *image.RGBA, sc *Scene, placed []Placed, scale float64) {
	for i := len(placed) - 1; i >= 0; i-- {
		p := placed[i]
		if len(p.Members) > 1 {
			disc(dst, p.X, p.Y, p.R+1.5*scale, color.NRGBA{0xff, 0xff, 0xff, 0xff})
			disc(dst, p.X, p.Y, p.R, p.State.Color())
			r.count(dst, len(p.Members), p.X, p.Y, scale)
		} else {
			disc(dst, p.X, p.Y, p.R+1*scale, color.NRGBA{0xff, 0xff, 0xff, 0xe0})
			disc(dst, p.X, p.Y, p.R, p.State.Color())
		}
		if sc.Highlight != 0 && slices.ContainsFunc(p.Members, func(m int) bool { return sc.Markers[m].ID == sc.Highlight }) {
			ring(dst, p.X, p.Y, p.R+4*scale, 2.5*scale, colRing)
		}
	}
}

func (r *Renderer) count(dst *image.RGBA, n int, x, y, scale float64) {
	s := fmt.Sprint(n)
	f := r.face(10 * scale)
	d := font.Drawer{Dst: dst, Src: image.White, Face: f}
	adv := d.MeasureString(s).Ceil()
	m := f.Metrics()
	d.Dot = fixed.P(int(x)-adv/2, int(y)+(m.Ascent.Ceil()-m.Descent.Ceil())/2)
	d.DrawString(s)
}

// disc fills a circle with an anti-aliased edge. Markers are many and small:
// a direct loop is several times faster than the rasterizer here.
func disc(dst *image.RGBA, cx, cy, rad float64, c color.NRGBA) {
	b := dst.Bounds()
	x0, x1 := max(b.Min.X, int(cx-rad-1)), min(b.Max.X, int(cx+rad+2))
	y0, y1 := max(b.Min.Y, int(cy-rad-1)), min(b.Max.Y, int(cy+rad+2))
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			cov := rad + 0.5 - math.Sqrt(dx*dx+dy*dy)
			if cov <= 0 {
				continue
			}
			blend(dst, x, y, c, math.Min(cov, 1))
		}
	}
}

// ring draws a circle's outline of the given width.
func ring(dst *image.RGBA, cx, cy, rad, width float64, c color.NRGBA) {
	b := dst.Bounds()
	o := rad + width/2
	x0, x1 := max(b.Min.X, int(cx-o-1)), min(b.Max.X, int(cx+o+2))
	y0, y1 := max(b.Min.Y, int(cy-o-1)), min(b.Max.Y, int(cy+o+2))
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			d := math.Abs(math.Sqrt(dx*dx+dy*dy) - rad)
			cov := width/2 + 0.5 - d
			if cov > 0 {
				blend(dst, x, y, c, math.Min(cov, 1))
			}
		}
	}
}

func blend(dst *image.RGBA, x, y int, c color.NRGBA, cov float64) {
	i := dst.PixOffset(x, y)
	a := float64(c.A) / 255 * cov
	p := dst.Pix[i : i+4 : i+4]
	p[0] = uint8(float64(c.R)*a + float64(p[0])*(1-a))
	p[1] = uint8(float64(c.G)*a + float64(p[1])*(1-a))
	p[2] = uint8(float64(c.B)*a + float64(p[2])*(1-a))
	p[3] = uint8(255*a + float64(p[3])*(1-a))
}

// legend draws the title and the legend in a box at the top left, for
// exported pictures.
func (r *Renderer) legend(dst *image.RGBA, sc *Scene, scale float64) {
	pad, line := 10*scale, 18*scale
	f := r.face(12 * scale)
	d := font.Drawer{Face: f}
	width := 0.0
	for _, e := range sc.Legend {
		width = math.Max(width, float64(d.MeasureString(fmt.Sprintf("%s  %d", e.Text, e.Count)).Ceil())+22*scale)
	}
	tf := r.face(14 * scale)
	width = math.Max(width, float64((&font.Drawer{Face: tf}).MeasureString(sc.Title).Ceil()))
	height := pad*2 + line*float64(len(sc.Legend))
	if sc.Title != "" {
		height += line * 1.3
	}
	box := image.Rect(int(pad), int(pad), int(pad+width+2*pad), int(pad+height))
	draw.Draw(dst, box, image.NewUniform(color.NRGBA{0xff, 0xff, 0xff, 0xe8}), image.Point{}, draw.Over)
	y := float64(box.Min.Y) + pad
	x := float64(box.Min.X) + pad
	if sc.Title != "" {
		td := font.Drawer{Dst: dst, Src: image.NewUniform(colText), Face: tf, Dot: fixed.P(int(x), int(y+14*scale))}
		td.DrawString(sc.Title)
		y += line * 1.3
	}
	for _, e := range sc.Legend {
		disc(dst, x+6*scale, y+line/2, 5*scale, e.State.Color())
		ld := font.Drawer{Dst: dst, Src: image.NewUniform(colText), Face: f, Dot: fixed.P(int(x+18*scale), int(y+line/2+5*scale))}
		ld.DrawString(fmt.Sprintf("%s  %d", e.Text, e.Count))
		y += line
	}
}
