//go:build ignore

// icon_gen draws icon.png, the app icon: a white lightning bolt on a green
// rounded square (electricity watched for the environment). Run it with
// `go run icon_gen.go` in this folder; it uses the standard library only, so
// the icon needs no drawing program to change.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 256

// bolt is the lightning bolt's outline in a 0–1 square.
var bolt = [][2]float64{
	{0.58, 0.10}, {0.28, 0.55}, {0.47, 0.55}, {0.40, 0.90}, {0.72, 0.42}, {0.53, 0.42}, {0.62, 0.10},
}

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	green := color.NRGBA{0x1b, 0x8a, 0x5a, 0xff}
	const ss = 4 // samples per axis, for smooth edges
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var bg, fg int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := (float64(x) + (float64(sx)+0.5)/ss) / size
					py := (float64(y) + (float64(sy)+0.5)/ss) / size
					if inRounded(px, py, 0.04, 0.18) {
						bg++
						if inPolygon(px, py, bolt) {
							fg++
						}
					}
				}
			}
			if bg == 0 {
				continue
			}
			a := float64(bg) / ss / ss
			f := float64(fg) / float64(bg)
			mix := func(b, w uint8) uint8 { return uint8(float64(b)*(1-f) + float64(w)*f) }
			img.SetNRGBA(x, y, color.NRGBA{mix(green.R, 255), mix(green.G, 255), mix(green.B, 255), uint8(a * 255)})
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// inRounded reports whether (x, y) is inside a square inset by m with corner radius r.
func inRounded(x, y, m, r float64) bool {
	lo, hi := m+r, 1-m-r
	cx, cy := math.Max(lo, math.Min(x, hi)), math.Max(lo, math.Min(y, hi))
	if x < m || x > 1-m || y < m || y > 1-m {
		return false
	}
	return math.Hypot(x-cx, y-cy) <= r
}

// inPolygon is the even-odd ray-casting test.
func inPolygon(x, y float64, poly [][2]float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
