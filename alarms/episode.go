package alarms

// Condition values per slot.
const (
	cFalse uint8 = iota
	cTrue
	cUnknown
)

// An episode is a run of slots in which a condition held: first and last are
// the first and last slots where it was true. open means it may still hold:
// only missing data, no longer than the gap allowance, follows it. observed
// is how many slots it was seen true: the unknown slots it bridges (gaps,
// [from, to) slot pairs) count neither as on nor as off time.
type episode struct {
	first, last int
	open        bool
	observed    int
	gaps        [][2]int
}

// findEpisodes returns the episodes of cond, bridging runs of unknown of at
// most gap slots between true slots.
func findEpisodes(cond []uint8, gap int) []episode {
	var eps []episode
	n := len(cond)
	for i := 0; i < n; {
		if cond[i] != cTrue {
			i++
			continue
		}
		first, last := i, i
		observed := 1
		var gaps [][2]int
		j := i + 1
		for j < n {
			if cond[j] == cTrue {
				if j > last+1 {
					gaps = append(gaps, [2]int{last + 1, j})
				}
				last = j
				observed++
				j++
				continue
			}
			if cond[j] == cFalse {
				break
			}
			k := j
			for k < n && cond[k] == cUnknown {
				k++
			}
			if k-j > gap || k == n {
				break
			}
			j = k
		}
		eps = append(eps, episode{first: first, last: last, open: trailingUnknown(cond, last+1) <= gap, observed: observed, gaps: gaps})
		i = last + 1
	}
	return eps
}

// trailingUnknown returns how many slots from i to the end are unknown, or a
// large number when any of them is false.
func trailingUnknown(cond []uint8, i int) int {
	for k := i; k < len(cond); k++ {
		if cond[k] != cUnknown {
			return len(cond) + 1
		}
	}
	return len(cond) - i
}
