package ui

import (
	"context"
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// The review workspace (`review open` on a laptop) has no listener, no
// terminals and no live data: its first screen is the package and the
// review's progress, not the office's zeros (Deps.ReviewWorkspace).

// workspaceData is what one load of the workspace found.
type workspaceData struct {
	pkg      store.ReviewPackage
	pkgErr   error
	toReview []store.Alarm // needing review and undecided, newest first
	reviewed int           // decided so far
	names    map[int64]string
	err      error
}

func (d *dashboardScreen) buildWorkspace() {
	s := d.s
	var objs []fyne.CanvasObject
	for _, key := range []string{"pkg.scope", "pkg.todo", "pkg.done"} {
		t := d.newTile(key, ViewAlarms)
		d.tiles[key] = t
		objs = append(objs, t.card)
	}
	d.newReviewList()
	d.start = widget.NewCard("", "", nil)
	d.start.Hide()
	split := container.NewHSplit(container.NewVScroll(container.NewVBox(objs...)),
		widget.NewCard(s.tr.T("dash.pkg.review"), "", container.NewBorder(d.listNote, nil, nil, nil, d.list)))
	split.Offset = 0.4
	d.box = split
}

func (d *dashboardScreen) gatherWorkspace(ctx context.Context) (workspaceData, error) {
	s := d.s
	var wd workspaceData
	if s.deps.Packages != nil {
		wd.pkg, wd.pkgErr = s.deps.Packages.ReviewPackageInfo(ctx)
	}
	if s.deps.Alarms == nil {
		wd.err = fmt.Errorf("%s", s.tr.T("common.nodata"))
		return wd, nil
	}
	all, err := s.deps.Alarms.FindAlarms(ctx, store.AlarmFilter{Trial: store.TrialNo})
	if err != nil {
		wd.err = err
		return wd, nil
	}
	for _, a := range all {
		if !a.Type.NeedsReview() || a.Status == store.Withdrawn {
			continue
		}
		if a.Disposition == store.Undecided {
			wd.toReview = append(wd.toReview, a)
		} else {
			wd.reviewed++
		}
	}
	sort.SliceStable(wd.toReview, func(i, j int) bool { return wd.toReview[i].Start.After(wd.toReview[j].Start) })
	if s.deps.Registry != nil {
		wd.names = map[int64]string{}
		if es, err := s.deps.Registry.FindEnterprises(ctx, store.EnterpriseFilter{}); err == nil {
			for _, e := range es {
				wd.names[e.ID] = e.Name
			}
		}
	}
	return wd, nil
}

func (d *dashboardScreen) applyWorkspace(wd workspaceData) {
	tr := d.s.tr
	set := func(key, value, detail string) {
		t := d.tiles[key]
		t.value.Text = value
		t.value.Refresh()
		t.detail.SetText(detail)
	}
	if wd.pkgErr != nil {
		set("pkg.scope", "—", d.s.errorText(tr.T("dash.pkg.scope"), wd.pkgErr))
	} else {
		set("pkg.scope", fmt.Sprint(wd.pkg.Alarms), tr.T("dash.pkg.scope.detail", short(wd.pkg.CreatedAt), wd.pkg.CreatedBy, wd.pkg.Source))
	}
	if wd.err != nil {
		set("pkg.todo", "—", d.s.errorText(tr.T("dash.pkg.todo"), wd.err))
		set("pkg.done", "—", "")
	} else {
		set("pkg.todo", fmt.Sprint(len(wd.toReview)), tr.T("dash.pkg.todo.detail"))
		set("pkg.done", fmt.Sprint(wd.reviewed), tr.T("dash.pkg.done.detail", d.s.operator()))
	}
	d.review, d.names = wd.toReview, wd.names
	switch {
	case wd.err != nil:
		d.listNote.SetText(d.s.errorText(tr.T("dash.pkg.todo"), wd.err))
	case len(wd.toReview) == 0:
		d.listNote.SetText(tr.T("dash.pkg.alldone"))
	default:
		d.listNote.SetText(tr.T("dash.review.count", len(wd.toReview)))
	}
	d.list.Refresh()
}

// reviewLineDated is a list line with the day, for a package of many days.
func (d *dashboardScreen) reviewLineDated(a store.Alarm) string {
	return fmt.Sprintf("%s  %s · %s · %s", a.Start.In(store.Beijing).Format("01-02 15:04"), d.names[a.EnterpriseID],
		d.s.alarmType(a.Type), d.s.grade(a.Grade))
}
