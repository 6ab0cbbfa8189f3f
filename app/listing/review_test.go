package listing

import (
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestReviewResolve: ids from both lists with their side, blanks skipped;
// an id that is no number, or in both lists, is refused.
func TestReviewResolve(t *testing.T) {
	got, err := ReviewResolve(" 3, 5,", "7")
	if err != nil || len(got) != 3 || got[3] != store.KeepOffice || got[5] != store.KeepOffice || got[7] != store.TakePackage {
		t.Errorf("ReviewResolve = %v, %v", got, err)
	}
	if got, err := ReviewResolve("", ""); err != nil || len(got) != 0 {
		t.Errorf("nothing to resolve = %v, %v", got, err)
	}
	for _, c := range [][2]string{{"3,x", ""}, {"3", "4,3"}} {
		if _, err := ReviewResolve(c[0], c[1]); err == nil {
			t.Errorf("ReviewResolve(%q, %q) accepted", c[0], c[1])
		}
	}
}

// TestWriteReviewImport: one line per review already imported, refused or
// in conflict after the counts; the error names what is left to do, the
// conflicts first, and is nil when everything went in.
func TestWriteReviewImport(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, store.Beijing)
	rev := store.Review{AlarmID: 4, Disposition: "confirmed", Reviewer: "李四", At: at}
	for _, c := range []struct {
		name  string
		res   store.ReviewImport
		lines int
		err   string
	}{
		{"all in", store.ReviewImport{Imported: 3, Unchanged: 1}, 1, ""},
		{"conflict and refused", store.ReviewImport{Imported: 1,
			Conflicts: []store.ReviewConflict{{AlarmID: 4, Office: []store.Review{rev}, Package: []store.Review{rev}}},
			Refused:   []store.RefusedReview{{Review: rev, Reason: "dated after the import"}}}, 3, "reviewed in both places"},
		{"refused", store.ReviewImport{Refused: []store.RefusedReview{{Review: rev}}}, 2, "decisions refused"},
		{"imported before", store.ReviewImport{Package: store.ReviewPackage{ID: "p1"},
			AlreadyApplied: []store.AppliedReview{{Review: rev, ImportedBy: "王五", ImportedAt: at}}}, 2, "imported before"},
		{"imported before, something new", store.ReviewImport{Imported: 1,
			AlreadyApplied: []store.AppliedReview{{Review: rev, ImportedBy: "王五", ImportedAt: at}}}, 2, ""},
	} {
		var b strings.Builder
		err := WriteReviewImport(&b, c.res)
		if n := strings.Count(b.String(), "\n"); n != c.lines {
			t.Errorf("%s: %d lines, want %d:\n%s", c.name, n, c.lines, b.String())
		}
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
}
