package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"powerwatch/store"
)

// TestDiagramUnconfirmedLinks: a facility with two ungrouped active links
// never confirmed is marked in the 产治排 diagram; confirmed, or one active
// unit with a standby, it is not.
func TestDiagramUnconfirmedLinks(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	links := []store.Link{{ProductionID: 1, TreatmentID: 2, Role: store.Active}, {ProductionID: 1, TreatmentID: 3, Role: store.Active}}
	fs := []store.Facility{{ID: 1, Name: "喷涂线", Kind: store.Production}, {ID: 2, Name: "喷淋塔", Kind: store.Treatment},
		{ID: 3, Name: "活性炭", Kind: store.Treatment}}
	marked := func(fs []store.Facility, links []store.Link) bool {
		for _, o := range newChainDiagram(s, fs, links).(*fyne.Container).Objects[1].(*fyne.Container).Objects {
			if txt, ok := o.(*canvas.Text); ok && strings.Contains(txt.Text, s.tr.T("diagram.unconfirmed")) {
				return true
			}
		}
		return false
	}
	if !marked(fs, links) {
		t.Error("unconfirmed ambiguous links are not marked")
	}
	fs[0].LinksConfirmed = true
	if marked(fs, links) {
		t.Error("confirmed links are marked")
	}
	fs[0].LinksConfirmed = false
	links[1].Role = store.Standby
	if marked(fs, links) {
		t.Error("one active unit with a standby is marked (it means the same either way)")
	}
}
