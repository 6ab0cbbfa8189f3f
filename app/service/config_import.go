package service

import (
	"fmt"

	"powerwatch/app/registry"
)

// ImportConfig bounds the spreadsheet imports (registry, orders, filings), so
// that a huge or hostile file is refused with a message and not read into
// memory: an 11 MB workbook once took 5 GB.
type ImportConfig struct {
	MaxFileMB int `json:"max_file_mb"` // the file's size
	MaxRows   int `json:"max_rows"`    // data rows that are not blank
}

func (c ImportConfig) validate() error {
	if c.MaxFileMB <= 0 || c.MaxFileMB > 1024 {
		return fmt.Errorf("import max_file_mb %d: want 1 to 1024", c.MaxFileMB)
	}
	if c.MaxRows <= 0 {
		return fmt.Errorf("import max_rows %d: want a positive number", c.MaxRows)
	}
	return nil
}

// Limits is c for app/registry.
func (c ImportConfig) Limits() registry.Limits {
	return registry.Limits{MaxBytes: int64(c.MaxFileMB) << 20, MaxRows: c.MaxRows}
}
