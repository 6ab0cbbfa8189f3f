package ui

import (
	"os"
	"strings"
	"testing"

	"powerwatch/assets"
)

// TestHelpView: 帮助 shows the guide in the interface's language, with its
// five sections.
func TestHelpView(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	for _, tt := range []struct {
		lang Lang
		want []string
	}{
		{Chinese, []string{"导入企业名录", "审核报警", "导出证据", "管控指令与报备", "离线复核"}},
		{English, []string{"Import the registry", "Review alarms", "Export evidence", "Control orders", "Offline review"}},
	} {
		s.SetLanguage(tt.lang)
		s.Show(ViewHelp)
		s.Wait()
		got := texts(w.Canvas().Content())
		for _, want := range tt.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s: 帮助 does not show %q", tt.lang, want)
			}
		}
	}
}

// TestGuideInDocs: docs/guide.md is the guide the app ships.
func TestGuideInDocs(t *testing.T) {
	docs, err := os.ReadFile("../docs/guide.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(docs) != assets.GuideZH {
		t.Error("docs/guide.md differs from assets/guide/zh.md: copy it (cp assets/guide/zh.md docs/guide.md)")
	}
}
