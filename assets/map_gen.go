//go:build ignore

// map_gen writes map/beijing.geojson, the outlines of Beijing's 16 districts
// the 地图 view draws, from map/json/province/beijing.json of the npm package
// echarts 4.9.0 (Apache-2.0). ECharts ships its maps in a compressed string
// encoding; this decodes it once (geo.DecodeECharts), so the app embeds plain
// GeoJSON and needs no decoder at run time, and copies the package's LICENSE
// and NOTICE next to it.
//
// Run it with `go generate ./assets/` (it calls `npm pack echarts@4.9.0` in a
// temporary folder), or `go run map_gen.go -tgz echarts-4.9.0.tgz` with a
// tarball already at hand.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"powerwatch/geo"
)

// tgzSHA1 is the shasum npm reports for echarts-4.9.0.tgz: the tarball this
// asset was made from, checked so a different download cannot slip in.
const tgzSHA1 = "a9b9baa03f03a2a731e6340c55befb57a9e1347d"

func main() {
	tgz := flag.String("tgz", "", "echarts-4.9.0.tgz (default: npm pack it into a temporary folder)")
	flag.Parse()
	if err := run(*tgz); err != nil {
		log.Fatal(err)
	}
}

func run(tgz string) error {
	if tgz == "" {
		dir, err := os.MkdirTemp("", "echarts")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "echarts@4.9.0")
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("npm pack echarts@4.9.0: %w", err)
		}
		tgz = filepath.Join(dir, "echarts-4.9.0.tgz")
	}
	raw, err := os.ReadFile(tgz)
	if err != nil {
		return err
	}
	if sum := sha1.Sum(raw); hex.EncodeToString(sum[:]) != tgzSHA1 {
		return fmt.Errorf("%s: sha1 %x, want %s (echarts 4.9.0 as published)", tgz, sum, tgzSHA1)
	}
	files, err := untar(raw, "package/map/json/province/beijing.json", "package/LICENSE", "package/NOTICE")
	if err != nil {
		return err
	}
	out, err := geo.DecodeECharts(files["package/map/json/province/beijing.json"])
	if err != nil {
		return err
	}
	notice := "map/beijing.geojson is decoded from map/json/province/beijing.json of the npm\n" +
		"package echarts 4.9.0 by assets/map_gen.go. Its NOTICE and LICENSE follow.\n\n" +
		string(files["package/NOTICE"]) + "\n" + string(files["package/LICENSE"])
	if err := os.WriteFile("map/beijing.geojson", append(out, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile("map/LICENSE-echarts.txt", []byte(notice), 0o644)
}

// untar returns the named files of a gzipped tarball.
func untar(raw []byte, names ...string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	got := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if want[h.Name] {
			if got[h.Name], err = io.ReadAll(tr); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range names {
		if got[n] == nil {
			return nil, fmt.Errorf("tarball has no %s", n)
		}
	}
	return got, nil
}
