package mapview

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"powerwatch/assets"
	"powerwatch/geo"
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

// A Renderer paints scenes. It holds the parsed font and its faces, and the
// base layer (sea, districts, outlines) of the last picture: panning shifts
// that picture and draws only the strips that came into view, zooming or
// resizing redraws it. Make one per map; it is safe for concurrent use (the
// widget paints from Fyne's render loop while an export may run), one
// picture at a time.
type Renderer struct {
	mu    sync.Mutex
	font  *truetype.Font
	faces map[float64]font.Face
	digit map[float64]fixed.Int26_6 // per face size: the advance of a digit
	z     vector.Rasterizer
	base  baseLayer
	masks [4]*image.Alpha // scratch: coverage of land, borders, the home district, its border
	rings [][]pt          // scratch: projected rings of one pass
	pts   []pt            // scratch: their points
	num   []byte          // scratch: a cluster's count as text
	grid  clusters        // scratch: the clustering grid
}

// baseLayer is the cached picture without markers or names, and what it was
// drawn for. Its top-left corner is at the world pixel (ox, oy): world
// pixels are the projection at pxPerDeg with the origin at 0° N 0° E, so
// that panning is a whole-pixel shift of the cached picture.
type baseLayer struct {
	img             *image.RGBA
	areas           *geo.Area // the scene's areas, by identity (first element)
	nAreas          int
	home            string
	pxPerDeg, scale float64
	ox, oy          float64
}

// NewRenderer parses the embedded CJK font.
func NewRenderer() (*Renderer, error) {
	f, err := truetype.Parse(assets.FontRegular.Content())
	if err != nil {
		return nil, fmt.Errorf("map font: %w", err)
	}
	return &Renderer{font: f, faces: map[float64]font.Face{}, digit: map[float64]fixed.Int26_6{}}, nil
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
	r.mu.Lock()
	defer r.mu.Unlock()
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	r.updateBase(sc, v, b.Dx(), b.Dy(), scale)
	draw.Draw(dst, b, r.base.img, image.Point{}, draw.Src)
	placed := r.grid.place(sc.Markers, v, w, h, scale)
	occupied := r.areaLabels(dst, sc, v, w, h, scale, placed)
	r.streetLabels(dst, sc, v, w, h, scale, occupied)
	r.markers(dst, sc, placed, scale)
	if len(sc.Legend) > 0 || sc.Title != "" {
		r.legend(dst, sc, scale)
	}
	return placed
}

// origin is the world pixel of the top-left corner of a w × h picture seen
// through v (see baseLayer).
func origin(v View, w, h int) (ox, oy float64) {
	return v.Center.Lng*v.PxPerDeg*lngScale - float64(w)/2, -v.Center.Lat*v.PxPerDeg - float64(h)/2
}

// updateBase brings the cached base layer to v: nothing to do when only the
// markers changed, a shift and two thin strips after a pan, the whole
// picture after a zoom, a resize or other districts. A shift is by whole
// pixels, so the outlines may sit up to half a pixel from where a fresh
// picture would put them; markers are always placed exactly.
func (r *Renderer) updateBase(sc *Scene, v View, w, h int, scale float64) {
	c := &r.base
	ox, oy := origin(v, w, h)
	var first *geo.Area
	if len(sc.Areas) > 0 {
		first = &sc.Areas[0]
	}
	same := c.img != nil && c.img.Rect.Dx() == w && c.img.Rect.Dy() == h && c.pxPerDeg == v.PxPerDeg &&
		c.scale == scale && c.areas == first && c.nAreas == len(sc.Areas) && c.home == sc.Home
	if same {
		// Where the cached picture's corner lands in the new one.
		sx, sy := int(math.Round(c.ox-ox)), int(math.Round(c.oy-oy))
		if sx == 0 && sy == 0 {
			return
		}
		if abs(sx) < w && abs(sy) < h {
			draw.Draw(c.img, c.img.Rect.Add(image.Pt(sx, sy)), c.img, image.Point{}, draw.Src)
			c.ox -= float64(sx)
			c.oy -= float64(sy)
			if sx > 0 {
				r.drawBase(sc, image.Rect(0, 0, sx, h))
			} else if sx < 0 {
				r.drawBase(sc, image.Rect(w+sx, 0, w, h))
			}
			if sy > 0 {
				r.drawBase(sc, image.Rect(0, 0, w, sy))
			} else if sy < 0 {
				r.drawBase(sc, image.Rect(0, h+sy, w, h))
			}
			return
		}
	}
	if c.img == nil || c.img.Rect.Dx() != w || c.img.Rect.Dy() != h {
		c.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	*c = baseLayer{img: c.img, areas: first, nAreas: len(sc.Areas), home: sc.Home, pxPerDeg: v.PxPerDeg, scale: scale, ox: ox, oy: oy}
	r.drawBase(sc, c.img.Rect)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// drawBase paints the part clip of the base layer: sea, the districts'
// fills and outlines, the home district over the others. Each of the four
// layers is rasterized into a coverage mask (districts share borders, so
// their anti-aliased edges add up exactly), and one pass over the pixels
// composes them: a pass per layer over the picture was most of a picture's
// time.
func (r *Renderer) drawBase(sc *Scene, clip image.Rectangle) {
	c := &r.base
	cw, ch := clip.Dx(), clip.Dy()
	if cw <= 0 || ch <= 0 {
		return
	}
	var used [4]bool
	for l := range 4 {
		home, stroke := l >= 2, l%2 == 1
		width := 1.0 * c.scale
		if home {
			width = 2.5 * c.scale
		}
		rings := r.project(sc, home)
		if ringsBounds(rings, width).Intersect(clip).Empty() {
			continue
		}
		used[l] = true
		m := r.masks[l]
		if m == nil || cap(m.Pix) < cw*ch {
			m = image.NewAlpha(image.Rect(0, 0, cw, ch))
			r.masks[l] = m
		}
		m.Pix, m.Stride, m.Rect = m.Pix[:cw*ch], cw, image.Rect(0, 0, cw, ch)
		r.z.Reset(cw, ch)
		r.z.DrawOp = draw.Src
		for _, ring := range rings {
			if stroke {
				strokeTo(&r.z, ring, clip.Min, width)
			} else {
				pathTo(&r.z, ring, clip.Min)
			}
		}
		r.z.Draw(m, m.Rect, image.Opaque, image.Point{})
	}
	compose(c.img, clip, &r.masks, used)
}

// The base layer's colours, bottom to top: the sea under everything, then
// the layers of drawBase's masks.
var baseColors = [5]color.NRGBA{colSea, colLand, colBorder, colHome, colHomeEdge}

// compose writes the base layer's pixels in clip: the sea, and over it each
// used mask's colour at the mask's coverage.
func compose(dst *image.RGBA, clip image.Rectangle, masks *[4]*image.Alpha, used [4]bool) {
	cw := clip.Dx()
	var ms [4][]uint8
	n := 0
	var cols [4]color.NRGBA
	for l := range 4 {
		if used[l] {
			ms[n], cols[n] = masks[l].Pix, baseColors[l+1]
			n++
		}
	}
	sea := baseColors[0]
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(clip.Min.X, y):]
		off := (y - clip.Min.Y) * cw
		for x := range cw {
			cr, cg, cb := uint32(sea.R), uint32(sea.G), uint32(sea.B)
			for l := range n {
				a := uint32(ms[l][off+x])
				switch a {
				case 0:
				case 255:
					cr, cg, cb = uint32(cols[l].R), uint32(cols[l].G), uint32(cols[l].B)
				default:
					cr = (cr*(255-a) + uint32(cols[l].R)*a + 127) / 255
					cg = (cg*(255-a) + uint32(cols[l].G)*a + 127) / 255
					cb = (cb*(255-a) + uint32(cols[l].B)*a + 127) / 255
				}
			}
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = uint8(cr), uint8(cg), uint8(cb), 0xff
		}
	}
}

type pt struct{ x, y float64 }

// project returns the rings of the home district (home) or of every other
// one, in the base layer's pixels, in scratch space reused by the next call.
func (r *Renderer) project(sc *Scene, home bool) [][]pt {
	c := &r.base
	k := c.pxPerDeg * lngScale
	r.rings, r.pts = r.rings[:0], r.pts[:0]
	n := 0
	for i := range sc.Areas {
		a := &sc.Areas[i]
		if (a.Name == sc.Home) != home {
			continue
		}
		for _, poly := range a.Polygons {
			for _, ring := range poly {
				for _, p := range ring {
					r.pts = append(r.pts, pt{p.Lng*k - c.ox, -p.Lat*c.pxPerDeg - c.oy})
				}
				r.rings = append(r.rings, nil)
			}
		}
	}
	// Slice the rings out only now: appending may have moved r.pts.
	k2 := 0
	for i := range sc.Areas {
		a := &sc.Areas[i]
		if (a.Name == sc.Home) != home {
			continue
		}
		for _, poly := range a.Polygons {
			for _, ring := range poly {
				r.rings[k2] = r.pts[n : n+len(ring) : n+len(ring)]
				n += len(ring)
				k2++
			}
		}
	}
	return r.rings
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
	// Clamp before converting: zoomed in, far districts lie millions of
	// pixels away.
	const lim = 1 << 24
	cl := func(f float64) int { return int(math.Max(-lim, math.Min(lim, f))) }
	return image.Rect(cl(math.Floor(x0-pad-1)), cl(math.Floor(y0-pad-1)), cl(math.Ceil(x1+pad+1)), cl(math.Ceil(y1+pad+1)))
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
// Quads wholly outside the rasterizer's size (relative to o) add nothing and
// are left out: zoomed in, that is nearly all of them.
func strokeTo(z *vector.Rasterizer, ring []pt, o image.Point, width float64) {
	ox, oy := float64(o.X), float64(o.Y)
	size := z.Size()
	x0, y0 := ox-width, oy-width
	x1, y1 := ox+float64(size.X)+width, oy+float64(size.Y)+width
	for i := 1; i < len(ring); i++ {
		a, b := ring[i-1], ring[i]
		if (a.x < x0 && b.x < x0) || (a.x > x1 && b.x > x1) || (a.y < y0 && b.y < y0) || (a.y > y1 && b.y > y1) {
			continue
		}
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
	for _, home := range []bool{true, false} {
		for i := range sc.Areas {
			a := &sc.Areas[i]
			if (a.Name == sc.Home) != home {
				continue
			}
			size := 12.0
			if home {
				size = 15
			}
			x, y := v.ToPixel(a.Center, w, h)
			if rect, ok := r.text(dst, a.Name, x, y, size*scale, colText, names); ok {
				names = append(names, rect)
			}
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
		p := &placed[i]
		if len(p.Members) > 1 {
			haloDisc(dst, p.X, p.Y, p.R, 1.5*scale, color.NRGBA{0xff, 0xff, 0xff, 0xff}, p.State.Color())
			r.count(dst, len(p.Members), p.X, p.Y, scale)
		} else {
			haloDisc(dst, p.X, p.Y, p.R, 1*scale, color.NRGBA{0xff, 0xff, 0xff, 0xe0}, p.State.Color())
		}
		if sc.Highlight != 0 && slices.ContainsFunc(p.Members, func(m int) bool { return sc.Markers[m].ID == sc.Highlight }) {
			ring(dst, p.X, p.Y, p.R+4*scale, 2.5*scale, colRing)
		}
	}
}

// haloDisc fills a circle of radius rad in c, with an anti-aliased edge, on
// a halo of width hw in hc: the two discs of a marker in one pass over its
// pixels, the inside written directly. Markers are many and small: a direct
// loop is several times faster than the rasterizer here.
func haloDisc(dst *image.RGBA, cx, cy, rad, hw float64, hc, c color.NRGBA) {
	b := dst.Bounds()
	o := rad + hw
	x0, x1 := max(b.Min.X, int(cx-o-1)), min(b.Max.X, int(cx+o+2))
	y0, y1 := max(b.Min.Y, int(cy-o-1)), min(b.Max.Y, int(cy+o+2))
	inner := rad - 0.5 // inside this distance the disc covers the pixel
	inner2 := inner * inner
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			d2 := dx*dx + dy*dy
			if inner > 0 && d2 <= inner2 && c.A == 0xff {
				i := dst.PixOffset(x, y)
				p := dst.Pix[i : i+4 : i+4]
				p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xff
				continue
			}
			d := math.Sqrt(d2)
			hcov := o + 0.5 - d
			if hcov <= 0 {
				continue
			}
			blend(dst, x, y, hc, math.Min(hcov, 1))
			if cov := rad + 0.5 - d; cov > 0 {
				blend(dst, x, y, c, math.Min(cov, 1))
			}
		}
	}
}

// count writes a cluster's member count centred on (x, y). Digits are as
// wide as '0' in the font, so the width needs no glyph lookups (measuring
// was a tenth of a picture's time).
func (r *Renderer) count(dst *image.RGBA, n int, x, y, scale float64) {
	r.num = strconv.AppendInt(r.num[:0], int64(n), 10)
	size := 10 * scale
	f := r.face(size)
	adv, ok := r.digit[size]
	if !ok {
		adv, _ = f.GlyphAdvance('0')
		r.digit[size] = adv
	}
	w := (adv * fixed.Int26_6(len(r.num))).Ceil()
	m := f.Metrics()
	d := font.Drawer{Dst: dst, Src: image.White, Face: f, Dot: fixed.P(int(x)-w/2, int(y)+(m.Ascent.Ceil()-m.Descent.Ceil())/2)}
	d.DrawBytes(r.num)
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
