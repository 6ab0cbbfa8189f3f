package pdfdoc_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"powerwatch/app/pdfdoc"
)

func pngOf(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, c)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPhotos checks that every photo of a document is its own image — also
// across calls and next to Image, since fpdf keeps the first image
// registered under a name — and that a photo that cannot be shown is named
// with the reason.
func TestPhotos(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfimages"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (Debian poppler-utils) not installed", tool)
		}
	}
	fsys := afero.NewMemMapFs()
	files := map[string][]byte{
		"a/电表箱.png": pngOf(t, 40, 30, color.RGBA{200, 0, 0, 255}),
		"a/铭牌.png":  pngOf(t, 30, 40, color.RGBA{0, 200, 0, 255}),
		"b/断路器.png": pngOf(t, 50, 20, color.RGBA{0, 0, 200, 255}),
		"a/坏图.jpg":  []byte("not a picture"),
	}
	for name, data := range files {
		if err := afero.WriteFile(fsys, filepath.Join("/files", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := pdfdoc.New("照片 Photos", false)
	d.Photos(fsys, "/files", []string{"a/电表箱.png", "a/铭牌.png", "a/坏图.jpg", "a/missing.jpg"})
	if err := d.Image(image.NewGray(image.Rect(0, 0, 20, 10))); err != nil {
		t.Fatal(err)
	}
	d.Photos(fsys, "/files", []string{"b/断路器.png"})
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "photos.pdf")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tool := range []string{"pdftotext", "pdfimages"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (Debian poppler-utils; make test installs it) not installed", tool)
		}
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{"电表箱.png", "铭牌.png", "断路器.png", "坏图.jpg: 无法显示", "missing.jpg: 无法显示"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("PDF text lacks %q:\n%s", want, out)
		}
	}

	out, err = exec.Command("pdfimages", "-list", p).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	sizes := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n")[2:] {
		if f := strings.Fields(line); len(f) > 4 {
			sizes[f[3]+"x"+f[4]] = true
		}
	}
	for _, want := range []string{"40x30", "30x40", "20x10", "50x20"} {
		if !sizes[want] {
			t.Errorf("PDF lacks the %s image; images:\n%s", want, out)
		}
	}
}
