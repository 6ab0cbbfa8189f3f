package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Lang is a user-interface language.
type Lang string

// Languages the interface is translated into. Chinese is the default.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// A translator looks up user-visible text by message id. Fyne's lang package
// picks the language from the operating system only, and officers must be able
// to switch in Settings on a Chinese Windows, so the shell keeps its own table,
// read from the same go-i18n JSON files (assets/translations/*.json).
type translator struct {
	lang Lang
	msgs map[Lang]map[string]string
}

// loadTranslations reads every dir/<lang>.json of fsys. A message may be a
// plain string or a go-i18n object with an "other" form.
func loadTranslations(fsys fs.FS, dir string) (map[Lang]map[string]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read translations: %w", err)
	}
	all := map[Lang]map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read translations %s: %w", name, err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("parse translations %s: %w", name, err)
		}
		msgs := make(map[string]string, len(raw))
		for id, m := range raw {
			var s string
			if json.Unmarshal(m, &s) != nil {
				var o struct{ Other string }
				if err := json.Unmarshal(m, &o); err != nil {
					return nil, fmt.Errorf("parse translations %s: message %q: %w", name, id, err)
				}
				s = o.Other
			}
			msgs[id] = s
		}
		all[Lang(strings.TrimSuffix(name, ".json"))] = msgs
	}
	return all, nil
}

// T returns the text of message id in the current language, formatted with
// args (fmt verbs) when there are any. A missing message shows its id, which
// TestTranslationsComplete prevents from shipping.
func (t *translator) T(id string, args ...any) string {
	s, ok := t.msgs[t.lang][id]
	if !ok {
		if s, ok = t.msgs[Chinese][id]; !ok {
			s = id
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
