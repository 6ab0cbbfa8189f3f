package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"powerwatch/assets"
)

// usedMessageIDs returns every message id the ui source passes to T as a
// literal, plus the ids it builds from a prefix and a known list (dynamicIDs).
func usedMessageIDs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// alarmview writes the alarm detail's chart and rule table with the ui's translator.
	shared, err := filepath.Glob("../alarmview/*.go")
	if err != nil || len(shared) == 0 {
		t.Fatalf("no alarmview source beside ui (%v)", err)
	}
	files = append(files, shared...)
	ids := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				id, _ := strconv.Unquote(lit.Value)
				ids[id] = true
			}
			return true
		})
	}
	for _, id := range dynamicIDs() {
		ids[id] = true
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// shippedMessages are the translations the app ships (assets/translations).
func shippedMessages(t *testing.T) map[Lang]map[string]string {
	t.Helper()
	msgs, err := loadTranslations(assets.Translations, "translations")
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestTranslationsComplete ensures every visible string has a Chinese and an
// English text, and that no translation is left over from removed code.
func TestTranslationsComplete(t *testing.T) {
	msgs := shippedMessages(t)
	used := usedMessageIDs(t)
	if len(used) < 50 {
		t.Fatalf("found only %d message ids in the source; the scan is broken", len(used))
	}
	for _, l := range []Lang{Chinese, English} {
		for _, id := range used {
			if strings.TrimSpace(msgs[l][id]) == "" {
				t.Errorf("%s.json: no text for %q", l, id)
			}
		}
	}
	inUse := map[string]bool{}
	for _, id := range used {
		inUse[id] = true
	}
	for l, m := range msgs {
		for id := range m {
			if !inUse[id] {
				t.Errorf("%s.json: %q is not used by the ui", l, id)
			}
		}
	}
}
