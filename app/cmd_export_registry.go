package main

import (
	"io"
	"os"
	"path/filepath"

	"powerwatch/app/registry"
)

func runExportRegistry(e *env, args []string) error {
	fs := newFlags(e, "export registry", "--out FILE.xlsx|FILE.csv [--db PATH]")
	data := addDataFlags(fs)
	out := fs.String("out", "", "file to write, .xlsx or .csv / 输出文件")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *out == "" {
		return usagef("want --out FILE.xlsx or --out FILE.csv and no other argument")
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	return writeFileAtomic(*out, func(w io.Writer) error {
		return registry.ExportRegistry(e.ctx, db, w, *out)
	})
}

// writeFileAtomic writes path through a temporary file in the same folder, so
// that a failed export never leaves half a file where the old one was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
