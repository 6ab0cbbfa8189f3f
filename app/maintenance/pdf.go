package maintenance

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos from phones
	_ "image/png"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/spf13/afero"

	"powerwatch/assets"
)

// A4 portrait in millimetres, with 15 mm margins.
const (
	pageW   = 210.0
	margin  = 15.0
	bodyW   = pageW - 2*margin
	lineH   = 6.0
	fontCJK = "wqy"
)

// pdfDoc is an A4 document in the CJK font, the common part of the record
// form and the installation report.
type pdfDoc struct {
	f *fpdf.Fpdf
}

// newPDF starts a document whose pages carry title and a page number.
// Compression is on unless compress is false (tests read the text then).
func newPDF(title string, compress bool) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(compress)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
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
	d := &pdfDoc{f: f}
	f.SetFont(fontCJK, "", 15)
	f.MultiCell(bodyW, 9, title, "", "C", false)
	f.Ln(3)
	f.SetFont(fontCJK, "", 10)
	return d
}

// fields prints label–value pairs as a two-column bordered table.
func (d *pdfDoc) fields(pairs ...[2]string) {
	const labelW = 45.0
	for _, p := range pairs {
		d.row([]float64{labelW, bodyW - labelW}, []string{p[0], p[1]}, false)
	}
}

// heading prints a section title.
func (d *pdfDoc) heading(s string) {
	d.f.Ln(3)
	d.f.SetFont(fontCJK, "", 12)
	d.f.CellFormat(bodyW, 8, s, "", 1, "L", false, 0, "")
	d.f.SetFont(fontCJK, "", 10)
}

// row prints one table row whose cells wrap; every cell gets the height of
// the tallest.
func (d *pdfDoc) row(widths []float64, cells []string, header bool) {
	f := d.f
	n := 1
	for i, c := range cells {
		if k := len(f.SplitText(c, widths[i]-2)); k > n {
			n = k
		}
	}
	h := float64(n) * lineH
	_, pageH := f.GetPageSize()
	if f.GetY()+h > pageH-margin-8 {
		f.AddPage()
	}
	x, y := f.GetXY()
	if header {
		f.SetFillColor(230, 230, 230)
	}
	for i, c := range cells {
		f.Rect(x, y, widths[i], h, "D")
		if header {
			f.Rect(x, y, widths[i], h, "F")
			f.Rect(x, y, widths[i], h, "D")
		}
		f.SetXY(x+1, y)
		f.MultiCell(widths[i]-2, lineH, c, "", "L", false)
		x += widths[i]
	}
	f.SetXY(margin, y+h)
}

// table prints a header row and rows.
func (d *pdfDoc) table(widths []float64, head []string, rows [][]string) {
	d.row(widths, head, true)
	for _, r := range rows {
		d.row(widths, r, false)
	}
}

// text prints a labelled block of free text in a box.
func (d *pdfDoc) text(label, body string) {
	if strings.TrimSpace(body) == "" {
		body = "无 none"
	}
	d.row([]float64{45, bodyW - 45}, []string{label, body}, false)
}

// photos places the images (JPEG or PNG, paths relative to dir on fsys)
// two to a row, 85 mm wide, each with its file name under it. A file that
// is missing or not an image is listed by name with the reason.
func (d *pdfDoc) photos(fsys afero.Fs, dir string, names []string) {
	f := d.f
	const w = 85.0
	col := 0
	rowTop, rowH := f.GetY(), 0.0
	for i, name := range names {
		data, err := afero.ReadFile(fsys, filepath.Join(dir, filepath.FromSlash(name)))
		var cfg image.Config
		var format string
		if err == nil {
			cfg, format, err = image.DecodeConfig(bytes.NewReader(data))
		}
		if err != nil || cfg.Width == 0 {
			f.SetXY(margin, rowTop+rowH)
			f.MultiCell(bodyW, lineH, fmt.Sprintf("照片 photo %s: 无法显示 cannot show (%v)", name, err), "", "L", false)
			rowTop, rowH, col = f.GetY(), 0, 0
			continue
		}
		h := w * float64(cfg.Height) / float64(cfg.Width)
		_, pageH := f.GetPageSize()
		if col == 0 && rowTop+h+lineH > pageH-margin-8 {
			f.AddPage()
			rowTop = f.GetY()
		}
		x := margin + float64(col)*(w+bodyW-2*w)
		id := fmt.Sprintf("photo%d", i)
		f.RegisterImageOptionsReader(id, fpdf.ImageOptions{ImageType: format}, bytes.NewReader(data))
		f.ImageOptions(id, x, rowTop, w, h, false, fpdf.ImageOptions{ImageType: format}, 0, "")
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
	f.SetXY(margin, rowTop+rowH+2)
}

func (d *pdfDoc) write(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return err
	}
	return d.f.Output(w)
}
