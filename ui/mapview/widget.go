package mapview

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"powerwatch/geo"
)

// Map is the map widget. Drag to pan, scroll to zoom; hovering a marker
// shows its card, tapping it calls OnTapMarker, tapping a cluster zooms into
// it, tapping elsewhere calls OnTapPlace with the position under the pointer.
type Map struct {
	widget.BaseWidget
	OnTapMarker func(id int64)
	OnTapPlace  func(p geo.Point)

	// mu guards what the raster's generator reads: Fyne may paint from its
	// render loop while the screen sets a new scene.
	mu      sync.Mutex
	r       *Renderer
	scene   *Scene
	view    View
	fitted  bool     // view was set (by FitHome, or by the user)
	placed  []Placed // as last drawn, in device-independent pixels
	drawnAt fyne.Size

	raster   *canvas.Raster
	card     *fyne.Container
	cardText *widget.Label
	cardBg   *canvas.Rectangle
}

var (
	_ desktop.Hoverable = (*Map)(nil)
	_ fyne.Draggable    = (*Map)(nil)
	_ fyne.Scrollable   = (*Map)(nil)
	_ fyne.Tappable     = (*Map)(nil)
)

// NewMap returns an empty map drawn with r.
func NewMap(r *Renderer) *Map {
	m := &Map{r: r, scene: &Scene{}}
	m.raster = canvas.NewRaster(m.generate)
	m.cardText = widget.NewLabel("")
	m.cardBg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	m.cardBg.StrokeColor = theme.Color(theme.ColorNameShadow)
	m.cardBg.StrokeWidth = 1
	m.cardBg.CornerRadius = 4
	m.card = container.NewStack(m.cardBg, m.cardText)
	m.card.Hide()
	m.ExtendBaseWidget(m)
	return m
}

// CreateRenderer lays the hover card over the picture.
func (m *Map) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(m.raster, container.NewWithoutLayout(m.card)))
}

// MinSize is small: the map takes what the screen gives it.
func (m *Map) MinSize() fyne.Size { return fyne.NewSize(200, 150) }

// SetScene shows sc, keeping the view.
func (m *Map) SetScene(sc *Scene) {
	m.mu.Lock()
	m.scene = sc
	m.mu.Unlock()
	m.card.Hide()
	m.raster.Refresh()
}

// Scene returns the scene shown.
func (m *Map) Scene() *Scene {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.scene
}

// FitHome zooms to the home district (all districts when there is none).
func (m *Map) FitHome() {
	m.mu.Lock()
	m.fitted = false
	m.mu.Unlock()
	m.raster.Refresh()
}

// CenterOn moves the view so that p is in the middle, zooming in to street
// level if the view is wider.
func (m *Map) CenterOn(p geo.Point) {
	m.mu.Lock()
	m.ensureView(m.Size())
	m.view.Center = p
	m.view.PxPerDeg = math.Max(m.view.PxPerDeg, 2500)
	m.mu.Unlock()
	m.raster.Refresh()
}

// View returns the current view.
func (m *Map) View() View {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ensureView(m.Size())
	return m.view
}

// homeBounds is the box to fit: the home district, or all of them.
func homeBounds(sc *Scene) geo.Box {
	var b geo.Box
	for _, a := range sc.Areas {
		if a.Name == sc.Home {
			return a.Bounds
		}
	}
	for _, a := range sc.Areas {
		b = b.Extend(a.Bounds.Min).Extend(a.Bounds.Max)
	}
	if b == (geo.Box{}) {
		return geo.Beijing
	}
	return b
}

// ensureView fits the home district once the size is known. m.mu is held.
func (m *Map) ensureView(size fyne.Size) {
	if m.fitted || size.Width <= 0 || size.Height <= 0 {
		return
	}
	m.view = Fit(homeBounds(m.scene), float64(size.Width), float64(size.Height))
	m.fitted = true
}

// generate paints the picture at the device's pixel size.
func (m *Map) generate(w, h int) image.Image {
	m.mu.Lock()
	defer m.mu.Unlock()
	size := m.Size()
	if w <= 0 || h <= 0 || size.Width <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	m.ensureView(size)
	scale := float64(w) / float64(size.Width)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	v := m.view
	v.PxPerDeg *= scale
	placed := m.r.Render(img, m.scene, v, scale)
	for i := range placed {
		placed[i].X /= scale
		placed[i].Y /= scale
		placed[i].R /= scale
	}
	m.placed, m.drawnAt = placed, size
	return img
}

// Placed returns the markers and clusters as last drawn, in the widget's
// coordinates.
func (m *Map) Placed() []Placed {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.placed
}

// Dragged pans the map with the pointer.
func (m *Map) Dragged(ev *fyne.DragEvent) {
	m.mu.Lock()
	m.ensureView(m.Size())
	m.view = m.view.Pan(float64(ev.Dragged.DX), float64(ev.Dragged.DY))
	m.mu.Unlock()
	m.card.Hide()
	m.raster.Refresh()
}

// DragEnd ends a pan; nothing to do.
func (m *Map) DragEnd() {}

// Scrolled zooms around the pointer: one wheel notch (10 units in Fyne) is 1.25×.
func (m *Map) Scrolled(ev *fyne.ScrollEvent) {
	f := math.Pow(1.25, float64(ev.Scrolled.DY)/10)
	m.zoom(f, ev.Position)
}

func (m *Map) zoom(f float64, at fyne.Position) {
	size := m.Size()
	m.mu.Lock()
	m.ensureView(size)
	m.view = m.view.Zoom(f, float64(at.X), float64(at.Y), float64(size.Width), float64(size.Height))
	m.mu.Unlock()
	m.card.Hide()
	m.raster.Refresh()
}

// Tapped opens a marker, zooms into a cluster or reports the place tapped.
func (m *Map) Tapped(ev *fyne.PointEvent) {
	m.mu.Lock()
	i := Hit(m.placed, float64(ev.Position.X), float64(ev.Position.Y), 3)
	var p Placed
	if i >= 0 {
		p = m.placed[i]
	}
	sc, size := m.scene, m.Size()
	m.ensureView(size)
	at := m.view.FromPixel(float64(ev.Position.X), float64(ev.Position.Y), float64(size.Width), float64(size.Height))
	m.mu.Unlock()
	switch {
	case i >= 0 && len(p.Members) > 1:
		m.zoom(2.5, fyne.NewPos(float32(p.X), float32(p.Y)))
	case i >= 0 && m.OnTapMarker != nil:
		m.OnTapMarker(sc.Markers[p.Members[0]].ID)
	case i < 0 && m.OnTapPlace != nil:
		m.OnTapPlace(at)
	}
}

// MouseIn shows the card of what is under the pointer.
func (m *Map) MouseIn(ev *desktop.MouseEvent) { m.hover(ev.Position) }

// MouseMoved follows the pointer.
func (m *Map) MouseMoved(ev *desktop.MouseEvent) { m.hover(ev.Position) }

// MouseOut hides the card.
func (m *Map) MouseOut() { m.card.Hide() }

// hover shows the card of the marker or cluster under pos.
func (m *Map) hover(pos fyne.Position) {
	m.mu.Lock()
	i := Hit(m.placed, float64(pos.X), float64(pos.Y), 3)
	text := ""
	if i >= 0 {
		text = cardText(m.scene, m.placed[i])
	}
	m.mu.Unlock()
	if text == "" {
		m.card.Hide()
		return
	}
	m.cardBg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	m.cardText.SetText(text)
	cs := m.card.MinSize()
	x, y := pos.X+14, pos.Y+14
	size := m.Size()
	if x+cs.Width > size.Width {
		x = max(0, pos.X-14-cs.Width)
	}
	if y+cs.Height > size.Height {
		y = max(0, pos.Y-14-cs.Height)
	}
	m.card.Resize(cs)
	m.card.Move(fyne.NewPos(x, y))
	m.card.Show()
}

// cardText is the hover card: a marker's title and lines, or a cluster's
// first members.
func cardText(sc *Scene, p Placed) string {
	if len(p.Members) == 1 {
		mk := sc.Markers[p.Members[0]]
		return strings.Join(append([]string{mk.Title}, mk.Lines...), "\n")
	}
	var b strings.Builder
	for k, i := range p.Members {
		if k == 8 {
			b.WriteString("…")
			break
		}
		b.WriteString(sc.Markers[i].Title)
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String())
}

// PNG renders the scene through the current view, fitted to w × h pixels
// (the home district when the widget was never shown), with the scene's
// title and legend, for export and print.
func (m *Map) PNG(w, h int) ([]byte, error) {
	m.mu.Lock()
	sc := *m.scene
	size := m.Size()
	v := Fit(homeBounds(&sc), float64(w), float64(h))
	if m.fitted && size.Width > 0 {
		// Keep what the officer looks at: the same centre, scaled so that
		// the widget's width fills the picture's.
		v = View{Center: m.view.Center, PxPerDeg: m.view.PxPerDeg * float64(w) / float64(size.Width)}
	}
	m.mu.Unlock()
	return RenderPNG(m.r, &sc, v, w, h)
}

// RenderPNG renders sc through v into a w × h PNG, scaled for print (text
// and markers grow with the picture past 1,200 pixels).
func RenderPNG(r *Renderer, sc *Scene, v View, w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	scale := math.Max(1, float64(w)/1200)
	r.Render(img, sc, v, scale)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
