package importrules

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestArchitectureTable: the table of docs/ARCHITECTURE.md ("Rooms and
// doors") names each package once, the same packages as rules(), and for
// each (package main aside, described in words) the module packages its
// rule allows: the document cannot drift from the test.
func TestArchitectureTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile("`([^`]+)`")
	rs := rules()
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		pkg := name.FindStringSubmatch(cells[1])[1]
		if seen[pkg] {
			t.Errorf("ARCHITECTURE.md describes %s twice", pkg)
		}
		seen[pkg] = true
		r, ok := rs[pkg]
		if !ok {
			t.Errorf("ARCHITECTURE.md describes %s, which has no rule in graph_test.go", pkg)
			continue
		}
		if pkg == "app" {
			continue
		}
		var may []string
		for _, m := range name.FindAllStringSubmatch(cells[3], -1) {
			may = append(may, m[1])
		}
		want := slices.Sorted(slices.Values(r.mod))
		if slices.Sort(may); !slices.Equal(may, want) {
			t.Errorf("ARCHITECTURE.md: %s may import %v; its rule allows %v", pkg, may, want)
		}
	}
	for pkg := range rs {
		if !seen[pkg] {
			t.Errorf("%s has a rule but no row in ARCHITECTURE.md", pkg)
		}
	}
}
