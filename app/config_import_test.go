package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportLimitsFromConfig: import registry reads its limits from the
// config next to the database; a file over them is refused with the key to
// change, and nothing is written; bad limits are config errors.
func TestImportLimitsFromConfig(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	reg := filepath.Join(dir, "reg.csv")
	if err := os.WriteFile(reg, []byte(testRegistryCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "powerwatch.json")
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"import": {"max_file_mb": 1, "max_rows": 1}}`)
	if code, _, errOut := runCLI(t, "import", "registry", reg, "--db", db); code != 1 || !strings.Contains(errOut, "more than 1 data rows") ||
		!strings.Contains(errOut, "import.max_rows") {
		t.Errorf("import over max_rows = %d, %q; want 1 naming the limit", code, errOut)
	}
	write(`{"import": {"max_file_mb": 1, "max_rows": 2}}`)
	if code, out, errOut := runCLI(t, "import", "registry", reg, "--db", db); code != 0 {
		t.Errorf("import within the limits = %d, %q %q", code, out, errOut)
	}
	write(`{"import": {"max_file_mb": 0, "max_rows": 2}}`)
	if code, _, errOut := runCLI(t, "import", "registry", reg, "--db", db); code == 0 || !strings.Contains(errOut, "max_file_mb") {
		t.Errorf("import with max_file_mb 0 = %d, %q; want a config error", code, errOut)
	}
}
