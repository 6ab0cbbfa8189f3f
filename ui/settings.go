package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// settingsScreen holds the officer's choices: language, theme, and the name
// written into audit entries.
type settingsScreen struct {
	box    fyne.CanvasObject
	uplink *uplinkPanel
	replay *replayPanel
	inbox  *inboxPanel
	backup *backupPanel
}

func newSettingsScreen(s *Shell) *settingsScreen {
	langs := []string{"中文", "English"}
	lang := newSelect(s.tr, langs, nil)
	if s.tr.lang == English {
		lang.SetSelected(langs[1])
	} else {
		lang.SetSelected(langs[0])
	}
	lang.OnChanged = func(v string) {
		l := Chinese
		if v == langs[1] {
			l = English
		}
		// Rebuilding replaces this very widget: do it after its callback returns.
		fyne.Do(func() { s.SetLanguage(l) })
	}
	modes := []ThemeMode{ThemeSystem, ThemeLight, ThemeDark}
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = s.tr.T("settings.theme." + string(m))
	}
	th := newSelect(s.tr, names, nil)
	current := ThemeMode(s.app.Preferences().StringWithFallback(prefTheme, string(ThemeSystem)))
	for i, m := range modes {
		if m == current {
			th.SetSelected(names[i])
		}
	}
	th.OnChanged = func(v string) {
		for i, n := range names {
			if n == v {
				s.SetThemeMode(modes[i])
			}
		}
	}
	op := widget.NewEntry()
	op.SetText(s.operator())
	op.OnChanged = func(v string) { s.app.Preferences().SetString(prefOperator, v) }
	form := widget.NewForm(
		widget.NewFormItem(s.tr.T("settings.language"), lang),
		widget.NewFormItem(s.tr.T("settings.theme"), th),
		widget.NewFormItem(s.tr.T("settings.operator"), op),
	)
	about := widget.NewLabel(s.tr.T("settings.about"))
	about.Wrapping = fyne.TextWrapWord
	up := newUplinkPanel(s)
	rp := newReplayPanel(s)
	ib := newInboxPanel(s)
	bk := newBackupPanel(s)
	page := container.NewVBox(form, widget.NewSeparator(), up.content(), widget.NewSeparator(),
		ib.content(), widget.NewSeparator(), bk.content(), widget.NewSeparator(), rp.content(), widget.NewSeparator(), about)
	// A panel whose list grew or shrank lays the page out again, or its
	// text would lie over the next section.
	up.relayout, ib.relayout, bk.relayout = page.Refresh, page.Refresh, page.Refresh
	return &settingsScreen{box: container.NewVScroll(page), uplink: up, replay: rp, inbox: ib, backup: bk}
}

func (p *settingsScreen) content() fyne.CanvasObject { return p.box }
func (p *settingsScreen) refresh() {
	p.uplink.refresh()
	p.replay.refresh()
	p.inbox.refresh()
	p.backup.refresh()
}
