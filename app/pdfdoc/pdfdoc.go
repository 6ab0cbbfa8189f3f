// Package pdfdoc lays out the A4 reports of the app (maintenance records,
// installation reports, evidence files, order reduction reports) in the
// bundled CJK font, so Chinese renders on any machine: a title, label–value
// tables, bordered tables whose cells wrap, images and photo files.
package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos from phones
	"image/png"
	"io"
	"path"
	"path/filepath"

	"github.com/go-pdf/fpdf"
	"github.com/spf13/afero"

	"powerwatch/assets"
)

// A4 portrait in millimetres, with 15 mm margins.
const (
	PageW   = 210.0
	Margin  = 15.0
	BodyW   = PageW - 2*Margin
	lineH   = 6.0
	fontCJK = "wqy"
)

// Doc is one document being laid out.
type Doc struct {
	f      *fpdf.Fpdf
	images int
}

// New starts a document whose pages carry title and a page number.
// Compression is on unless compress is false (tests read the text then).
func New(title string, compress bool) *Doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(compress)
	f.SetMargins(Margin, Margin, Margin)
	f.SetAutoPageBreak(true, Margin)
	f.AddUTF8FontFromBytes(fontCJK, "", assets.FontRegular.Content())
	f.SetTitle(title, true)
	f.SetCreator("powerwatch", true)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(fontCJK, "", 8)
		f.CellFormat(0, 5, fmt.Sprintf("%s — 第 %d 页 / 共 {nb} 页", title, f.PageNo()), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	f.SetFont(fontCJK, "", 15)
	f.MultiCell(BodyW, 9, title, "", "C", false)
	f.Ln(3)
	f.SetFont(fontCJK, "", 10)
	return &Doc{f: f}
}

// Heading prints a section title.
func (d *Doc) Heading(s string) {
	d.f.Ln(3)
	d.f.SetFont(fontCJK, "", 12)
	d.f.CellFormat(BodyW, 8, s, "", 1, "L", false, 0, "")
	d.f.SetFont(fontCJK, "", 10)
}

// Fields prints label–value pairs as a two-column bordered table.
func (d *Doc) Fields(pairs ...[2]string) {
	const labelW = 45.0
	for _, p := range pairs {
		d.Row([]float64{labelW, BodyW - labelW}, []string{p[0], p[1]}, false)
	}
}

// Table prints a header row and rows; widths are in millimetres.
func (d *Doc) Table(widths []float64, head []string, rows [][]string) {
	d.Row(widths, head, true)
	for _, r := range rows {
		d.Row(widths, r, false)
	}
}

// Row prints one table row whose cells wrap; every cell gets the height of
// the tallest, and a row that does not fit starts a new page.
func (d *Doc) Row(widths []float64, cells []string, header bool) {
	f := d.f
	n := 1
	for i, c := range cells {
		if k := len(f.SplitText(c, widths[i]-2)); k > n {
			n = k
		}
	}
	h := float64(n) * lineH
	_, pageH := f.GetPageSize()
	if f.GetY()+h > pageH-Margin-8 {
		f.AddPage()
	}
	x, y := f.GetXY()
	for i, c := range cells {
		if header {
			f.SetFillColor(230, 230, 230)
			f.Rect(x, y, widths[i], h, "F")
		}
		f.Rect(x, y, widths[i], h, "D")
		f.SetXY(x+1, y)
		f.MultiCell(widths[i]-2, lineH, c, "", "L", false)
		x += widths[i]
	}
	f.SetXY(Margin, y+h)
}

// Text prints a paragraph that wraps over the body width.
func (d *Doc) Text(s string) {
	d.f.MultiCell(BodyW, lineH, s, "", "L", false)
}

// Image places img over the body width, on a new page when it does not fit.
func (d *Doc) Image(img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode image for the PDF: %w", err)
	}
	b := img.Bounds()
	h := BodyW * float64(b.Dy()) / float64(b.Dx())
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-Margin-8 {
		d.f.AddPage()
	}
	d.images++
	name := fmt.Sprintf("img%d", d.images)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	d.f.RegisterImageOptionsReader(name, opt, &buf)
	y := d.f.GetY()
	d.f.ImageOptions(name, Margin, y, BodyW, h, false, opt, 0, "")
	d.f.SetXY(Margin, y+h+2)
	return nil
}

// Photos places the image files (JPEG or PNG, slash paths relative to dir
// on fsys) two to a row, 85 mm wide, each with its file name under it. A
// file that is missing or not an image is listed by name with the reason,
// so the document still says which photo was meant.
func (d *Doc) Photos(fsys afero.Fs, dir string, names []string) {
	f := d.f
	const w = 85.0
	col := 0
	rowTop, rowH := f.GetY(), 0.0
	for _, name := range names {
		data, err := afero.ReadFile(fsys, filepath.Join(dir, filepath.FromSlash(name)))
		var cfg image.Config
		var format string
		if err == nil {
			cfg, format, err = image.DecodeConfig(bytes.NewReader(data))
		}
		if err != nil || cfg.Width == 0 {
			f.SetXY(Margin, rowTop+rowH)
			f.MultiCell(BodyW, lineH, fmt.Sprintf("照片 photo %s: 无法显示 cannot show (%v)", name, err), "", "L", false)
			rowTop, rowH, col = f.GetY(), 0, 0
			continue
		}
		h := w * float64(cfg.Height) / float64(cfg.Width)
		_, pageH := f.GetPageSize()
		if col == 0 && rowTop+h+lineH > pageH-Margin-8 {
			f.AddPage()
			rowTop = f.GetY()
		}
		x := Margin + float64(col)*(BodyW-w)
		// One counter with Image: fpdf keeps the first image registered
		// under a name, so names must not repeat within a document.
		d.images++
		id := fmt.Sprintf("img%d", d.images)
		opt := fpdf.ImageOptions{ImageType: format}
		f.RegisterImageOptionsReader(id, opt, bytes.NewReader(data))
		f.ImageOptions(id, x, rowTop, w, h, false, opt, 0, "")
		f.SetXY(x, rowTop+h)
		f.CellFormat(w, lineH, path.Base(name), "", 0, "C", false, 0, "")
		if h+lineH > rowH {
			rowH = h + lineH
		}
		col++
		if col == 2 {
			rowTop, rowH, col = rowTop+rowH+2, 0, 0
		}
	}
	f.SetXY(Margin, rowTop+rowH+2)
}

// Write finishes the document into w.
func (d *Doc) Write(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("lay out PDF: %w", err)
	}
	return d.f.Output(w)
}
