package evidence

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
)

// Zip packs the evidence folder dir into the zip file out (which must not
// exist), so it can be mailed or put on a USB stick as one file. The
// manifest inside still verifies each file.
func Zip(dir, out string) (err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("zip evidence %s: %w", dir, err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("zip evidence %s: %w", dir, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("zip evidence %s: %w", dir, cerr)
		}
		if err != nil {
			os.Remove(out)
		}
	}()
	zw := zip.NewWriter(f)
	base := filepath.Base(dir)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("zip evidence %s: %w", dir, err)
		}
		w, err := zw.Create(base + "/" + e.Name())
		if err != nil {
			return fmt.Errorf("zip evidence %s: %w", dir, err)
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("zip evidence %s: %w", dir, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip evidence %s: %w", dir, err)
	}
	return nil
}
