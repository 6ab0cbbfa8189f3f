package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The config file is JSON, which encoding/json reads without saying where:
// an unknown key or a bad value gives no line, and a key written twice
// silently takes the last value. keyLines walks the file's tokens once to
// find each key's line and refuse duplicates, so that every mistake in the
// file is reported with its line and key (README promises it).

// keyLines returns the line of every key of the JSON object in b, by its
// dotted path ("limits.max_conns"; array elements add their index), or an
// error naming the line and key written twice.
func keyLines(b []byte) (map[string]int, error) {
	lines, _, err := keyIndex(b)
	return lines, err
}

// keyIndex is keyLines, also returning the text values by path, so that an
// error quoting a bad value ("soon" is not a duration) finds its key.
func keyIndex(b []byte) (map[string]int, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	lines, strs := map[string]int{}, map[string]string{}
	lineAt := func(off int64) int { return 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n")) }
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				full := join(path, key)
				line := lineAt(dec.InputOffset())
				if seen[key] {
					return fmt.Errorf("line %d: key %q appears twice (first on line %d); each key may be given once", line, full, lines[full])
				}
				seen[key], lines[full] = true, line
				if err := walk(full); err != nil {
					return err
				}
			}
			_, err := dec.Token() // '}'
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(join(path, fmt.Sprint(i))); err != nil {
					return err
				}
			}
			_, err := dec.Token() // ']'
			return err
		}
		if v, ok := tok.(string); ok {
			strs[path] = v
		}
		return nil
	}
	if err := walk(""); err != nil && !errors.Is(err, io.EOF) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return lines, strs, fmt.Errorf("line %d: %w", lineAt(se.Offset), err)
		}
		return lines, strs, err
	}
	return lines, strs, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]+)"`)

var quotedRE = regexp.MustCompile(`"([^"]*)"`)

// locate adds the line and key to err, a decoding or validation error of
// the file whose keys are at lines (text values strs), when it can tell
// which key is meant.
func locate(err error, lines map[string]int, strs map[string]string) error {
	if m := unknownFieldRE.FindStringSubmatch(err.Error()); m != nil {
		// encoding/json names the field, not its object: take the key of
		// that name that is not a known setting, on its first line.
		best := 0
		for path, line := range lines {
			if (path == m[1] || strings.HasSuffix(path, "."+m[1])) && (best == 0 || line < best) {
				best = line
			}
		}
		if best > 0 {
			return fmt.Errorf("line %d: key %q is not a setting (see app/config_default.json): %w", best, m[1], err)
		}
		return err
	}
	// Validation errors start with the key: "schedule backup \"x\": …",
	// "values rated_factor 0.5: …", "sync \"x\": …", "limits: …".
	words := strings.FieldsFunc(err.Error(), func(r rune) bool { return r == ' ' || r == ':' })
	for n := min(3, len(words)); n >= 1; n-- {
		path := strings.Join(words[:n], ".")
		if line, ok := lines[path]; ok {
			return fmt.Errorf("line %d: key %q: %w", line, path, err)
		}
	}
	// A value's own check (a duration) quotes the value, not the key.
	if m := quotedRE.FindStringSubmatch(err.Error()); m != nil {
		for path, v := range strs {
			if v == m[1] {
				return fmt.Errorf("line %d: key %q: %w", lines[path], path, err)
			}
		}
	}
	return err
}
