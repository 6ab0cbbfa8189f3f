package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestListBackups: 设置's list holds the incremental nights and full copies
// of the backup folder, newest first, with their own sizes (the newest night
// with the folder's image), and nothing else of the folder.
func TestListBackups(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{
		"powerwatch-20261201-020000.pwbk": 10,
		"powerwatch-20261202-020000.pwbk": 20,
		"powerwatch-current.db":           100,
		"powerwatch-current.pages":        7,
		"powerwatch-20261130-020000.db":   50,
		"notes.txt":                       1,
		"powerwatch-backup.lock":          0,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := listBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, x := range got {
		b.WriteString(x.Name + " " + x.Taken.Format("01-02 15:04") + " " + strconv.FormatInt(x.Size, 10) + "\n")
	}
	want := "powerwatch-20261202-020000.pwbk 12-02 02:00 120\npowerwatch-20261201-020000.pwbk 12-01 02:00 10\npowerwatch-20261130-020000.db 11-30 02:00 50\n"
	if b.String() != want {
		t.Errorf("listed:\n%s\nwant:\n%s", b.String(), want)
	}
	if got, err := listBackups(filepath.Join(dir, "missing")); err != nil || len(got) != 0 {
		t.Errorf("a folder not made yet lists %v, %v", got, err)
	}
}
