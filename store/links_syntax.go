package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The registry's 关联治理设施 cell says what treatment must run while a
// production facility runs (our rule; the guideline records 主备用关系 but
// leaves AND/OR open), in one line an officer can type in Excel:
//
//	喷淋塔+活性炭          two stages: both must run
//	1号除尘|2号除尘(备)     one stage, alternatives: either suffices; (备) marks the standby unit
//	1号除尘/2号除尘         the same with / as the separator
//	2of3(A,B,C)          one stage: at least 2 of the 3 must run (also 3选2(A,B,C))
//	喷淋塔+2of3(A,B,C)     stages combine
//
// + and ＋ separate stages, | ｜ / ／ alternatives, , ， 、 the units of an
// N-of-M group; (备) or （备） after a name marks a standby unit (a stage of
// standby units only still needs one of them running). A stage of one unit is an ungrouped
// link; a stage of several is a Group named S1, S2… by its place.

// ParseTreatedBy reads a 关联治理设施 cell. An empty cell is no link.
func ParseTreatedBy(cell string) ([]TreatedBy, error) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil, nil
	}
	var out []TreatedBy
	seen := map[string]bool{}
	for k, stage := range strings.FieldsFunc(cell, func(r rune) bool { return r == '+' || r == '＋' }) {
		units, need, err := parseStage(strings.TrimSpace(stage))
		if err != nil {
			return nil, fmt.Errorf("第 %d 段 %q：%w", k+1, stage, err)
		}
		group := ""
		if len(units) > 1 {
			group = "S" + strconv.Itoa(k+1)
		}
		for _, u := range units {
			if seen[u.Facility] {
				return nil, fmt.Errorf("%q 重复 (listed twice): %w", u.Facility, ErrInvalid)
			}
			seen[u.Facility] = true
			u.Group = group
			if group != "" {
				u.Need = need
			}
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q 没有设施名 (no facility name): %w", cell, ErrInvalid)
	}
	return out, nil
}

// parseStage reads one stage: alternatives, or an N-of-M group.
func parseStage(s string) ([]TreatedBy, int, error) {
	if s == "" {
		return nil, 0, fmt.Errorf("空的段 (empty stage between +): %w", ErrInvalid)
	}
	if n, m, list, ok := nOfM(s); ok {
		names := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
		units, err := unitNames(names)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case len(units) != m:
			return nil, 0, fmt.Errorf("写明 %d 台而列出 %d 台 (%d units named, %d listed): %w", m, len(units), m, len(units), ErrInvalid)
		case n < 1 || n > m:
			return nil, 0, fmt.Errorf("%d 台中需 %d 台运行不成立 (need %d of %d): %w", m, n, n, m, ErrInvalid)
		}
		return units, n, nil
	}
	units, err := unitNames(strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '｜' || r == '/' || r == '／' }))
	return units, 1, err
}

// nOfM recognises "2of3(A,B,C)" and "3选2(A,B,C)".
func nOfM(s string) (n, m int, list string, ok bool) {
	open := strings.IndexAny(s, "(（")
	if open < 0 {
		return 0, 0, "", false
	}
	head := strings.TrimSpace(s[:open])
	rest := s[open:]
	_, w := utf8.DecodeRuneInString(rest)
	rest = strings.TrimSpace(rest[w:])
	switch {
	case strings.HasSuffix(rest, ")"):
		rest = strings.TrimSuffix(rest, ")")
	case strings.HasSuffix(rest, "）"):
		rest = strings.TrimSuffix(rest, "）")
	default:
		return 0, 0, "", false
	}
	var a, b string
	switch {
	case strings.Contains(head, "of"):
		a, b, _ = strings.Cut(head, "of")
		n, err1 := strconv.Atoi(strings.TrimSpace(a))
		m, err2 := strconv.Atoi(strings.TrimSpace(b))
		return n, m, rest, err1 == nil && err2 == nil
	case strings.Contains(head, "选"):
		a, b, _ = strings.Cut(head, "选")
		m, err1 := strconv.Atoi(strings.TrimSpace(a))
		n, err2 := strconv.Atoi(strings.TrimSpace(b))
		return n, m, rest, err1 == nil && err2 == nil
	}
	return 0, 0, "", false
}

func unitNames(parts []string) ([]TreatedBy, error) {
	var out []TreatedBy
	for _, p := range parts {
		name := strings.TrimSpace(p)
		tb := TreatedBy{Facility: name}
		for _, mark := range []string{"(备)", "（备）"} {
			if strings.HasSuffix(name, mark) {
				tb = TreatedBy{Facility: strings.TrimSpace(strings.TrimSuffix(name, mark)), Standby: true}
			}
		}
		if tb.Facility == "" || strings.ContainsAny(tb.Facility, "()（）") {
			return nil, fmt.Errorf("设施名 %q 为空或含括号；括号只用于 (备) 与 2of3(A,B,C) (empty name, or brackets other than (备) and N-of-M): %w", p, ErrInvalid)
		}
		out = append(out, tb)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("没有设施名 (no facility name): %w", ErrInvalid)
	}
	return out, nil
}

// FormatTreatedBy writes links back in the cell syntax ParseTreatedBy reads:
// ungrouped links as stages of one unit (as alternatives while the facility's
// links are unconfirmed and ambiguous: their meaning until confirmed), each
// group as alternatives (need 1) or NofM(…). name gives a facility's name.
func FormatTreatedBy(links []Link, confirmed bool, name func(id int64) string) string {
	var parts []string
	if !confirmed && LinksAmbiguous(links) {
		var alts []string
		var rest []Link
		for _, l := range links {
			if l.Group == "" {
				alts = append(alts, unitText(l, name))
			} else {
				rest = append(rest, l)
			}
		}
		parts = append(parts, strings.Join(alts, "|"))
		links = rest
	}
	groups := map[string][]Link{}
	var order []string
	for _, l := range links {
		if l.Group == "" {
			parts = append(parts, unitText(l, name))
			continue
		}
		if _, ok := groups[l.Group]; !ok {
			order = append(order, l.Group)
		}
		groups[l.Group] = append(groups[l.Group], l)
	}
	for _, g := range order {
		ls := groups[g]
		var names []string
		need := 1
		for _, l := range ls {
			names = append(names, unitText(l, name))
			need = max(need, l.Need)
		}
		if need > 1 {
			parts = append(parts, fmt.Sprintf("%dof%d(%s)", need, len(ls), strings.Join(names, ",")))
		} else {
			parts = append(parts, strings.Join(names, "|"))
		}
	}
	return strings.Join(parts, "+")
}

func unitText(l Link, name func(int64) string) string {
	if l.Role == Standby {
		return name(l.TreatmentID) + "(备)"
	}
	return name(l.TreatmentID)
}
