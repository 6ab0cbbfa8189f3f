package main

import (
	"io"

	"powerwatch/app/internal/atomicfile"
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
	return atomicfile.Write(*out, func(w io.Writer) error {
		return registry.ExportRegistry(e.ctx, db, w, *out)
	})
}
