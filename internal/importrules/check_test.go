package importrules

import (
	"strings"
	"testing"
)

// TestCheckCatchesInjectedImports is the test of the test: the real graph with
// one edge injected (or one package renamed) must fail, with the message
// naming the edge.
func TestCheckCatchesInjectedImports(t *testing.T) {
	out, err := goList(t)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		inject func(all map[string]pkg)
		want   string
	}{
		{"ui reaches the SQLite adapter", func(all map[string]pkg) { addImport(all, "powerwatch/ui", "powerwatch/store/sqlite") },
			"powerwatch/ui imports powerwatch/store/sqlite"},
		{"store takes an outside module", func(all map[string]pkg) {
			all["github.com/google/go-cmp/cmp"] = pkg{ImportPath: "github.com/google/go-cmp/cmp"}
			addImport(all, "powerwatch/store", "github.com/google/go-cmp/cmp")
		}, "powerwatch/store must depend on the standard library only, but reaches github.com/google/go-cmp/cmp"},
		{"the codec takes an outside module besides SM4", func(all map[string]pkg) {
			all["github.com/google/go-cmp/cmp"] = pkg{ImportPath: "github.com/google/go-cmp/cmp"}
			addImport(all, "powerwatch/listener/hj212", "github.com/google/go-cmp/cmp")
		}, "powerwatch/listener/hj212 must depend on the standard library only, but reaches github.com/google/go-cmp/cmp"},
		{"the service reaches the window", func(all map[string]pkg) { addImport(all, "powerwatch/app/service", "powerwatch/ui") },
			"powerwatch/app/service imports powerwatch/ui"},
		{"evidence reaches the listener", func(all map[string]pkg) { addImport(all, "powerwatch/app/evidence", "powerwatch/listener") },
			"powerwatch/app/evidence imports powerwatch/listener"},
		{"a package without a rule", func(all map[string]pkg) {
			all["powerwatch/app/newroom"] = pkg{ImportPath: "powerwatch/app/newroom"}
		}, "powerwatch/app/newroom has no import rule"},
		{"a rule without a package", func(all map[string]pkg) {
			p := all["powerwatch/app/sim"]
			delete(all, "powerwatch/app/sim")
			p.ImportPath = "powerwatch/app/simulator"
			all[p.ImportPath] = p
		}, "the rule for app/sim names no package"},
	}
	if errs := check(out, rules()); len(errs) != 0 {
		t.Fatalf("the graph as it is breaks the rules: %v", errs)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			all, _ := goList(t)
			tc.inject(all)
			errs := check(all, rules())
			for _, e := range errs {
				if strings.Contains(e, tc.want) {
					return
				}
			}
			t.Errorf("check found %q, want a breach containing %q", errs, tc.want)
		})
	}
}

func addImport(all map[string]pkg, from, to string) {
	p := all[from]
	p.Imports = append(p.Imports, to)
	p.Deps = append(p.Deps, to)
	all[from] = p
}
