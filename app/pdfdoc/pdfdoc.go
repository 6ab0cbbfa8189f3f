// Package pdfdoc lays out the A4 reports of the app (evidence files, order
// reduction reports) in the bundled CJK font, so Chinese renders on any
// machine. It follows the layout of app/maintenance's record form: a title,
// label–value tables, bordered tables whose cells wrap, and images.
package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/go-pdf/fpdf"

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

// Write finishes the document into w.
func (d *Doc) Write(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("lay out PDF: %w", err)
	}
	return d.f.Output(w)
}
