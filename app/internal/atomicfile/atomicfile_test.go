package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWrite: a new file, a replaced one, and a write that fails halfway:
// the old content stays and no temporary file is left in the folder.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "registry.xlsx")
	failed := errors.New("disk full")
	for _, c := range []struct {
		name, write string
		err         error
		want        string
	}{
		{"new file", "first", nil, "first"},
		{"replaced", "second", nil, "second"},
		{"fails halfway", "thi", failed, "second"},
	} {
		err := Write(path, func(w io.Writer) error {
			if _, err := io.WriteString(w, c.write); err != nil {
				return err
			}
			return c.err
		})
		if !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
		if b, _ := os.ReadFile(path); string(b) != c.want {
			t.Errorf("%s: file holds %q, want %q", c.name, b, c.want)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Errorf("%s: %d files in the folder, want 1", c.name, len(es))
		}
	}
	if err := Write(filepath.Join(dir, "missing", "x.csv"), func(io.Writer) error { return nil }); err == nil {
		t.Error("a file in a folder that does not exist was written")
	}
}
