package maintenance

import (
	"fmt"
	"slices"

	"powerwatch/store"
)

// A TaskQuery is a choice of tasks as `tasks list` takes it, each field the
// text of one flag.
type TaskQuery struct {
	Status    string // open, done or all ("" is open)
	Kind      string // one of store.TaskKinds, "" for all
	DueBefore string // Beijing time as people type it (store.ParseLocalTime)
}

// Filter checks q and returns it as the store's filter; an error names the
// flag and what it wants.
func (q TaskQuery) Filter() (store.TaskFilter, error) {
	f := store.TaskFilter{Kind: store.TaskKind(q.Kind)}
	switch q.Status {
	case "open", "done":
		f.Status = store.TaskStatus(q.Status)
	case "":
		f.Status = store.TaskOpen
	case "all":
	default:
		return f, fmt.Errorf("--status %q: want open, done or all", q.Status)
	}
	if q.Kind != "" && !slices.Contains(store.TaskKinds(), f.Kind) {
		return f, fmt.Errorf("--kind %q: want one of %v", q.Kind, store.TaskKinds())
	}
	if q.DueBefore != "" {
		var err error
		if f.DueBefore, err = store.ParseLocalTime(q.DueBefore); err != nil {
			return f, fmt.Errorf("--due-before: %w", err)
		}
	}
	return f, nil
}

// A RecordQuery is a choice of maintenance records as `records export`
// takes it: work done in [From, To), Beijing time as people type it.
type RecordQuery struct {
	From, To     string
	EnterpriseID int64
}

// Filter checks q and returns it as the store's filter.
func (q RecordQuery) Filter() (store.RecordFilter, error) {
	f := store.RecordFilter{EnterpriseID: q.EnterpriseID}
	var err error
	if f.From, f.To, err = store.ParseLocalBounds(q.From, q.To); err != nil {
		return f, fmt.Errorf("--%w", err)
	}
	return f, nil
}
