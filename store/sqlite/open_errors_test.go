package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"powerwatch/store"
)

// TestOpenRefusesWhatIsNotADatabase: an empty file, a folder, a file of
// another kind and another program's SQLite database are refused with words
// saying what they are; a missing file is a new database.
func TestOpenRefusesWhatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE contacts(name TEXT)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	for _, tt := range []struct {
		name, path, want string
	}{
		{"0-byte file", write("empty.db", nil), "empty (0 bytes)"},
		{"a folder", dir, "a folder"},
		{"a spreadsheet given as --db", write("registry.xlsx", []byte("PK\x03\x04 not a database at all")), "not an SQLite file"},
		{"a short text file", write("notes.db", []byte("hi")), "not an SQLite file"},
		{"another program's SQLite database", other, "another program's SQLite database"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, open := range []func() (*DB, error){
				func() (*DB, error) { return Open(t.Context(), tt.path) },
				func() (*DB, error) { return OpenWith(t.Context(), tt.path, Options{SkipCheck: true}) },
			} {
				db, err := open()
				if err == nil {
					db.Close()
					t.Fatalf("opened %s", tt.path)
				}
				if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
					t.Errorf("open = %v; want %q and the path", err, tt.want)
				}
			}
			if st, err := os.Stat(tt.path); err == nil && !st.IsDir() && tt.name == "0-byte file" && st.Size() != 0 {
				t.Errorf("the empty file was written to (%d bytes)", st.Size())
			}
		})
	}
	db, err := Open(t.Context(), filepath.Join(dir, "new.db"))
	if err != nil {
		t.Fatalf("a new database: %v", err)
	}
	db.Close()
	if db, err = Open(t.Context(), filepath.Join(dir, "new.db")); err != nil {
		t.Fatalf("reopening our own database: %v", err)
	}
	db.Close()
}

// codedErr is a driver error with an SQLite result code.
type codedErr int

func (c codedErr) Error() string { return fmt.Sprintf("sqlite error (%d)", int(c)) }
func (c codedErr) Code() int     { return int(c) }

// TestExplainOpen: a full disk and a read-only file or folder met at start
// are said in words and wrap store.ErrReadOnly, found from the system's
// error, SQLite's code, or for a bare "disk I/O error" by a probe write next
// to the file; anything else is left as it was.
func TestExplainOpen(t *testing.T) {
	noProbe := func(string) error { return nil }
	for _, tt := range []struct {
		name  string
		err   error
		probe func(string) error
		want  string // "" means unchanged
	}{
		{"ENOSPC", fmt.Errorf("write: %w", syscall.ENOSPC), noProbe, "磁盘已满"},
		{"SQLITE_FULL", codedErr(13), noProbe, "the disk holding the database is full"},
		{"disk I/O error (4874) on a full disk", codedErr(4874), func(string) error { return syscall.ENOSPC }, "磁盘已满"},
		{"disk I/O error on a read-only folder", codedErr(10), func(string) error { return os.ErrPermission }, "read-only"},
		{"SQLITE_READONLY", codedErr(8), noProbe, "只读"},
		{"EROFS", &os.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, noProbe, "read-only"},
		{"disk I/O error with space and permission: unchanged", codedErr(10), noProbe, ""},
		{"a busy database: unchanged", codedErr(5), noProbe, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := explainWith("/data/powerwatch.db", tt.err, tt.probe)
			if tt.want == "" {
				if got != tt.err {
					t.Errorf("explain = %v, want it unchanged", got)
				}
				return
			}
			if !errors.Is(got, store.ErrReadOnly) || !strings.Contains(got.Error(), tt.want) || !strings.Contains(got.Error(), "/data/powerwatch.db") {
				t.Errorf("explain = %v; want ErrReadOnly, %q and the path", got, tt.want)
			}
		})
	}
	if err := probeDir(t.TempDir()); err != nil {
		t.Errorf("probe of a writable folder: %v", err)
	}
}
