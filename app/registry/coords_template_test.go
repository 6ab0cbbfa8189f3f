package registry_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"powerwatch/app/registry"
)

// TestTemplateDocumentsCoordinates: the registry template (the .xlsx export,
// empty or not) has the 经度 and 纬度 columns, and their header cells carry
// the note saying the datum, the range and how to give GCJ-02 coordinates.
func TestTemplateDocumentsCoordinates(t *testing.T) {
	db := MustOpenDB(t)
	var out bytes.Buffer
	if err := registry.ExportRegistry(t.Context(), db, &out, "template.xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("template rows: %v, %v", rows, err)
	}
	col := map[string]string{} // header → its cell
	for i, h := range rows[0] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		col[h] = cell
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, c := range comments {
		notes[c.Cell] = c.Text
		for _, p := range c.Paragraph {
			notes[c.Cell] += p.Text
		}
	}
	for _, tt := range []struct {
		header string
		want   []string
	}{
		{"经度", []string{"WGS-84", "GCJ-02", "经度(GCJ-02)", "115.4–117.6"}},
		{"纬度", []string{"WGS-84", "39.4–41.1"}},
	} {
		cell, ok := col[tt.header]
		if !ok {
			t.Errorf("no %s column in the template header %v", tt.header, rows[0])
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(notes[cell], w) {
				t.Errorf("note on %s (%s) = %q, want it to mention %q", tt.header, cell, notes[cell], w)
			}
		}
	}
}
