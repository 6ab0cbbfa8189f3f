package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"powerwatch/app/internal/atomicfile"
	"powerwatch/app/registry"
)

// registryTransfer gives the 企业 view the registry import and export of
// app/registry, on files the officer chose.
type registryTransfer struct {
	st  registry.Store
	lim registry.Limits // zero: app/registry's defaults
}

// ImportRegistry imports the file at path as who. The import is checked whole
// and applied in one transaction, so progress only marks start and end; a
// file with bad rows comes back as one joined error per row for the report.
func (t registryTransfer) ImportRegistry(ctx context.Context, who, path string, progress func(done, total int)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	progress(0, 1)
	_, err = registry.ImportRegistry(ctx, t.st, who, f, filepath.Base(path), false, t.lim)
	var rows registry.RowErrors
	if errors.As(err, &rows) {
		errs := make([]error, len(rows))
		for i, r := range rows {
			errs[i] = r
		}
		return errors.Join(errs...)
	}
	if err != nil {
		return err
	}
	progress(1, 1)
	return nil
}

// ExportRegistry writes the registry to path (.xlsx or .csv by its name).
func (t registryTransfer) ExportRegistry(ctx context.Context, path string, progress func(done, total int)) error {
	progress(0, 1)
	err := atomicfile.Write(path, func(w io.Writer) error { return registry.ExportRegistry(ctx, t.st, w, filepath.Base(path)) })
	if err != nil {
		return fmt.Errorf("export registry to %s: %w", path, err)
	}
	progress(1, 1)
	return nil
}
