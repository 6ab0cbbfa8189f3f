package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the dependency graph of DESIGN.md: everything points
// toward store and listener/hj212, and only app wires concrete parts together.
func TestImportRules(t *testing.T) {
	banned := map[string][]string{ // package → import-path prefixes it must not reach
		"powerwatch/store":           {"powerwatch/", "modernc.org/", "fyne.io/"},
		"powerwatch/listener/hj212":  {"powerwatch/", "fyne.io/", "modernc.org/"},
		"powerwatch/store/sqlite":    {"powerwatch/listener", "powerwatch/alarms", "powerwatch/ui", "powerwatch/app", "fyne.io/"},
		"powerwatch/alarms":          {"powerwatch/store/sqlite", "powerwatch/listener", "powerwatch/ui", "powerwatch/app", "fyne.io/", "github.com/robfig/cron", "modernc.org/"},
		"powerwatch/listener":        {"powerwatch/store/sqlite", "powerwatch/alarms", "powerwatch/ui", "powerwatch/app", "fyne.io/", "modernc.org/"},
		"powerwatch/ui":              {"powerwatch/store/sqlite", "powerwatch/listener", "powerwatch/alarms", "powerwatch/app", "fyne.io/fyne/v2/app", "modernc.org/"},
		"powerwatch/ui/chart":        {"powerwatch/store/sqlite", "powerwatch/listener", "powerwatch/alarms", "powerwatch/app", "fyne.io/", "modernc.org/"},
		"powerwatch/assets":          {"powerwatch/", "modernc.org/"},
		"powerwatch/calendar":        {"powerwatch/", "fyne.io/", "modernc.org/"}, // a leaf like store: ui, ui/chart and alarms may use it
		"powerwatch/app/uplink":      {"powerwatch/store/sqlite", "powerwatch/alarms", "powerwatch/ui", "fyne.io/"},
		"powerwatch/app/sim":         {"powerwatch/store/sqlite", "powerwatch/alarms", "powerwatch/ui", "fyne.io/"},
		"powerwatch/app/registry":    {"powerwatch/store/sqlite", "powerwatch/alarms", "powerwatch/ui", "powerwatch/listener", "fyne.io/", "modernc.org/"},
		"powerwatch/app/maintenance": {"powerwatch/ui", "powerwatch/listener", "fyne.io/fyne/v2/app"},
		"powerwatch/app/judge":       {"powerwatch/ui", "powerwatch/listener", "fyne.io/"},
	}
	for pkg, prefixes := range banned {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "cannot find package") || strings.Contains(string(out), "no Go files") || strings.Contains(string(out), "is not in std") {
				continue // the package does not exist yet
			}
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, p := range prefixes {
				if dep != pkg && strings.HasPrefix(dep, p) {
					t.Errorf("%s depends on %s, which DESIGN.md forbids", pkg, dep)
				}
			}
		}
	}
}
