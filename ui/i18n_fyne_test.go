package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// TestFyneDialogsFollowLanguage: Fyne's own file dialog speaks the language
// chosen in 设置, whatever the operating system's locale is.
func TestFyneDialogsFollowLanguage(t *testing.T) {
	for _, osLocale := range []string{"de_DE.UTF-8", "en_US.UTF-8", "zh_CN.UTF-8"} {
		t.Run(osLocale, func(t *testing.T) {
			t.Setenv("LC_ALL", osLocale)
			s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
			for _, tt := range []struct {
				lang      Lang
				want, not []string
			}{
				{Chinese, []string{"打开 文件", "取消"}, []string{"Cancel", "Open"}},
				{English, []string{"Open File", "Cancel"}, []string{"取消", "打开"}},
			} {
				s.SetLanguage(tt.lang)
				d := dialog.NewFileOpen(func(fyne.URIReadCloser, error) {}, w)
				d.Show()
				got := texts(topDialog(t, w))
				d.Hide()
				for _, want := range tt.want {
					if !strings.Contains(got, want) {
						t.Errorf("%s: the file dialog does not say %q:\n%s", tt.lang, want, got)
					}
				}
				for _, not := range tt.not {
					if strings.Contains(got, not) {
						t.Errorf("%s: the file dialog says %q", tt.lang, not)
					}
				}
			}
		})
	}
}
