package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// packageFake is a review package: reviewFake with the package's facts.
type packageFake struct{ *reviewFake }

func (packageFake) ReviewPackageInfo(context.Context) (store.ReviewPackage, error) {
	return store.ReviewPackage{ID: "p1", CreatedAt: demoNow.Add(-2 * time.Hour), CreatedBy: "李四",
		Source: "powerwatch.db", Alarms: 3}, nil
}

// TestReviewWorkspace: `review open` shows a review workspace — its own
// title, the package's scope, the alarms to review and those reviewed so
// far — and nothing of a listener.
func TestReviewWorkspace(t *testing.T) {
	f := packageFake{&reviewFake{fakeStore: demoDistrict(demoNow)}}
	d := demoDeps(f.fakeStore, demoNow)
	d.Review, d.Evidence, d.Packages = f, f, f
	d.ListenOn = ""
	d.ReviewWorkspace = "复核包-0318.db"
	s, w := mustShell(t, d)
	if got := w.Title(); !strings.Contains(got, "离线复核") || !strings.Contains(got, "复核包-0318.db") {
		t.Errorf("window title = %q", got)
	}
	all, err := f.FindAlarms(context.Background(), store.AlarmFilter{Trial: store.TrialNo})
	if err != nil {
		t.Fatal(err)
	}
	todo, done := 0, 0
	for _, a := range all {
		if a.Type.NeedsReview() && a.Status != store.Withdrawn {
			if a.Disposition == store.Undecided {
				todo++
			} else {
				done++
			}
		}
	}
	if todo == 0 {
		t.Fatal("the demo district has no alarm to review; the test proves nothing")
	}
	for key, want := range map[string]string{"pkg.scope": "3", "pkg.todo": fmt.Sprint(todo), "pkg.done": fmt.Sprint(done)} {
		if got := s.dash.tiles[key].value.Text; got != want {
			t.Errorf("tile %s = %q, want %q", key, got, want)
		}
	}
	if len(s.dash.review) != todo {
		t.Errorf("%d alarms listed to review, want %d", len(s.dash.review), todo)
	}
	got := texts(w.Canvas().Content())
	for _, not := range []string{"监听", "终端在线", "全区今日用电"} {
		if strings.Contains(got, not) {
			t.Errorf("the workspace shows %q", not)
		}
	}
	if !strings.Contains(got, "李四") || !strings.Contains(got, s.tr.T("status.workspace")) {
		t.Errorf("the workspace does not show who exported the package or that it is a workspace:\n%s", got)
	}
}
