package ui

import (
	"context"
	"strings"
	"testing"

	"powerwatch/store"
)

// importResult is a ReviewPackages whose import returns res.
type importResult struct {
	*reviewFake
	res store.ReviewImport
}

func (f importResult) ImportReviewPackage(context.Context, string, string, map[int64]store.ReviewSide) (store.ReviewImport, error) {
	return f.res, nil
}

// TestPackageImportReport: decisions refused or imported before are listed after
// an import, with who and when; an import with nothing of the kind shows no list.
func TestPackageImportReport(t *testing.T) {
	s, as, f := mustAlarmQueue(t)
	r := store.Review{AlarmID: 2, Disposition: store.Confirmed, Reviewer: "赵六", At: demoNow}
	s.deps.Packages = importResult{f, store.ReviewImport{
		Refused:        []store.RefusedReview{{Review: r, Reason: "时间早于导出"}},
		AlreadyApplied: []store.AppliedReview{{Review: store.Review{AlarmID: 3, Disposition: store.Filed, Reviewer: "王五", At: demoNow}, ImportedBy: "李四", ImportedAt: demoNow}},
	}}
	as.importPackage("/tmp/p.pwreview", nil)
	s.Wait()
	txt := texts(topDialog(t, s.win))
	for _, want := range []string{"赵六", "时间早于导出", "王五", "李四", "报警 3"} {
		if !strings.Contains(txt, want) {
			t.Errorf("import report lacks %q:\n%s", want, txt)
		}
	}

	s2, as2, f2 := mustAlarmQueue(t)
	s2.deps.Packages = importResult{f2, store.ReviewImport{Imported: 2}}
	as2.importPackage("/tmp/p.pwreview", nil)
	s2.Wait()
	if top := s2.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a clean import shows a dialog:\n%s", texts(top))
	}
}
