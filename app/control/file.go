package control

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"powerwatch/store"
)

// WriteFile writes r to path as Excel (.xlsx) or PDF (.pdf), by the extension.
func WriteFile(r store.EpisodeReport, path string) (err error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".pdf" {
		return fmt.Errorf("export reduction report %s: want a .xlsx or .pdf file: %w", path, store.ErrInvalid)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export reduction report: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export reduction report %s: %w", path, cerr)
		}
	}()
	if ext == ".xlsx" {
		err = WriteXLSX(f, r)
	} else {
		err = WritePDF(f, r, true)
	}
	if err != nil {
		return fmt.Errorf("export reduction report %s: %w", path, err)
	}
	return nil
}
