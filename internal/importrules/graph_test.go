package importrules

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "powerwatch"

// A rule is what one package may import directly: module packages by their
// path below the module, and outside modules by path prefix. With std, the
// package's whole dependency closure must be standard library or stdExcept.
type rule struct {
	mod       []string
	ext       []string
	std       bool
	stdExcept []string
}

// Outside modules, named once.
var (
	fyne     = "fyne.io/fyne/v2"
	cron     = "github.com/robfig/cron/v3"
	afero    = "github.com/spf13/afero"
	excelize = "github.com/xuri/excelize/v2"
	gbk      = "golang.org/x/text/encoding/simplifiedchinese"
	truetype = "github.com/golang/freetype/truetype"
	gochart  = "github.com/wcharczuk/go-chart/v2"
	fpdf     = "github.com/go-pdf/fpdf"
	sqlite   = "modernc.org/sqlite"
	sm4      = "github.com/emmansun/gmsm/"
	ximage   = "golang.org/x/image/"
)

// rules is the table of docs/ARCHITECTURE.md. Everything points toward store
// and listener/hj212; only package main (app) wires concrete parts together.
func rules() map[string]rule {
	return map[string]rule{
		// The floor: entities and the protocol, standard library only.
		"store":          {std: true},
		"listener/hj212": {std: true, ext: []string{sm4}, stdExcept: []string{sm4, "golang.org/x/sys/cpu"}},
		"csvsafe":        {std: true},
		"geo":            {std: true},
		"statsheet":      {mod: []string{"csvsafe", "store"}, ext: []string{excelize}},
		"calendar":       {ext: []string{gbk}},
		"assets":         {ext: []string{fyne}},
		// The rooms above it.
		"listener/hj212/hj212test": {mod: []string{"listener/hj212"}},
		"store/sqlite":             {mod: []string{"store"}, ext: []string{sqlite}},
		"alarms":                   {mod: []string{"store"}},
		"alarms/scenario":          {mod: []string{"alarms", "store"}},
		"thresholds":               {mod: []string{"store"}},
		"listener":                 {mod: []string{"listener/hj212", "store"}},
		"ui/chart":                 {mod: []string{"calendar", "store"}, ext: []string{truetype, gochart}},
		"alarmview":                {mod: []string{"store", "ui/chart"}},
		"ui":                       {mod: []string{"alarmview", "assets", "calendar", "geo", "statsheet", "store", "thresholds", "ui/chart", "ui/mapview"}, ext: []string{fyne, truetype, excelize}},
		"ui/mapview":               {mod: []string{"assets", "geo", "store"}, ext: []string{fyne, truetype, ximage}},
		"app/pdfdoc":               {mod: []string{"assets"}, ext: []string{fpdf, afero}},
		"app/judge":                {mod: []string{"alarms", "store", "store/sqlite", "thresholds"}, ext: []string{cron}},
		"app/control":              {mod: []string{"alarms", "app/pdfdoc", "store"}, ext: []string{excelize}},
		"app/evidence":             {mod: []string{"alarmview", "app/pdfdoc", "assets", "csvsafe", "store", "ui/chart"}, ext: []string{truetype}},
		"app/gen":                  {mod: []string{"geo", "listener/hj212", "store", "store/sqlite"}},
		"app/benchui":              {mod: []string{"store", "ui"}, ext: []string{fyne}},
		"app/maintenance":          {mod: []string{"alarms", "app/pdfdoc", "csvsafe", "store"}, ext: []string{afero, excelize}},
		"app/registry":             {mod: []string{"csvsafe", "geo", "store"}, ext: []string{excelize, gbk}},
		"app/sim":                  {mod: []string{"geo", "listener/hj212", "store"}},
		"app/uplink":               {mod: []string{"listener/hj212", "store"}, ext: []string{afero}},
		"app/simdb":                {mod: []string{"app/registry", "app/sim", "csvsafe", "listener/hj212", "store", "store/sqlite"}},
		"app/internal/proc":        {std: true},
		"app/internal/atomicfile":  {std: true},
		"app/instance":             {std: true},           // one desktop app per data folder: loopback socket and a file
		"app/winplace":             {ext: []string{fyne}}, // the main window's size and place, remembered
		"app/listing":              {mod: []string{"app/judge", "csvsafe", "listener/hj212", "store", "thresholds"}},
		"app/service": {mod: []string{"alarms", "app/judge", "app/maintenance", "app/registry", "app/uplink", "assets", "calendar",
			"listener", "store", "store/sqlite"}, ext: []string{cron, afero}},
		"app/internal/fixture":   {mod: []string{"listener/hj212", "store", "store/sqlite"}},
		"app/internal/localeenv": {std: true}, // imported by main before Fyne: os only
		"internal/importrules":   {},
		"internal/peer":          {std: true}, // the peer test bed: independent of the codec it tests
		// Package main: the CLI, and the desktop on the service.
		"app": {mod: []string{"app/benchui", "app/control", "app/evidence", "app/gen", "app/instance", "app/winplace", "app/internal/atomicfile", "app/internal/localeenv", "app/internal/proc", "app/judge", "app/listing", "app/maintenance", "app/registry",
			"app/service", "app/sim", "app/simdb", "assets", "csvsafe", "geo", "listener", "listener/hj212", "statsheet", "store", "store/sqlite", "thresholds", "ui", "ui/mapview"},
			ext: []string{fyne, afero}},
	}
}

// A pkg is what go list says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

func TestImportRules(t *testing.T) {
	pkgs, err := goList(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range check(pkgs, rules()) {
		t.Error(msg)
	}
}

// goList reads the module's packages and everything they depend on.
func goList(t *testing.T) (map[string]pkg, error) {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "-deps", module+"/...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	return decode(strings.NewReader(string(out)))
}

func decode(r io.Reader) (map[string]pkg, error) {
	dec := json.NewDecoder(r)
	all := map[string]pkg{}
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("read go list: %w", err)
		}
		all[p.ImportPath] = p
	}
	return all, nil
}

// check returns every breach of rules by the module's packages in all (the
// module's packages and all they depend on, as go list -deps gives them).
func check(all map[string]pkg, rules map[string]rule) []string {
	var errs []string
	seen := map[string]bool{}
	var names []string
	for path := range all {
		names = append(names, path)
	}
	sort.Strings(names)
	for _, path := range names {
		p := all[path]
		name, ok := inModule(path)
		if !ok {
			continue
		}
		seen[name] = true
		r, ok := rules[name]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s has no import rule: add one to this test and docs/ARCHITECTURE.md", path))
			continue
		}
		for _, imp := range p.Imports {
			if dep, ok := all[imp]; ok && dep.Standard || imp == "C" || imp == "unsafe" {
				continue
			}
			if in, ok := inModule(imp); ok {
				if !slices.Contains(r.mod, in) {
					errs = append(errs, fmt.Sprintf("%s imports %s, which its rule does not allow", path, imp))
				}
				continue
			}
			if !hasPrefix(imp, r.ext) {
				errs = append(errs, fmt.Sprintf("%s imports %s, which its rule does not allow", path, imp))
			}
		}
		if r.std {
			for _, d := range p.Deps {
				if dep, ok := all[d]; ok && !dep.Standard && d != path && !hasPrefix(d, r.stdExcept) {
					errs = append(errs, fmt.Sprintf("%s must depend on the standard library only, but reaches %s", path, d))
				}
			}
		}
	}
	var ruled []string
	for name := range rules {
		ruled = append(ruled, name)
	}
	sort.Strings(ruled)
	for _, name := range ruled {
		if !seen[name] {
			errs = append(errs, fmt.Sprintf("the rule for %s names no package of the module (renamed or removed?)", name))
		}
	}
	return errs
}

func inModule(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rest, ok := strings.CutPrefix(path, module+"/")
	return rest, ok
}

func hasPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
