package evidence

import (
	"encoding/json"
	"fmt"

	"powerwatch/assets"
)

// texts are the messages of one language of assets/translations: the PDF
// names alarm types, grades, dispositions and the rule table's words with
// the same texts as the window (Chinese, with the English beside headings).
type texts map[string]string

// loadTexts reads translations/<lang>.json (go-i18n: a plain string or an
// object with an "other" form).
func loadTexts(lang string) (texts, error) {
	data, err := assets.Translations.ReadFile("translations/" + lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("read the %s translations: %w", lang, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse the %s translations: %w", lang, err)
	}
	t := make(texts, len(raw))
	for id, m := range raw {
		var s string
		if json.Unmarshal(m, &s) != nil {
			var o struct{ Other string }
			if err := json.Unmarshal(m, &o); err != nil {
				return nil, fmt.Errorf("parse the %s translations: message %q: %w", lang, id, err)
			}
			s = o.Other
		}
		t[id] = s
	}
	return t, nil
}

// T returns message id formatted with args; a missing message shows its id.
func (t texts) T(id string, args ...any) string {
	s, ok := t[id]
	if !ok {
		s = id
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// both is message id in Chinese with the English after it.
func (f *facts) both(id string, args ...any) string {
	return f.zh.T(id, args...) + " " + f.en.T(id, args...)
}
