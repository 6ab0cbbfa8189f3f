package listing

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"powerwatch/store"
)

// ReviewResolve reads the conflicts an officer settles on `review import`:
// alarm ids, comma-separated, whose office decision stands (keepOffice) or
// whose package decision wins (takePackage). An id in both is an error.
func ReviewResolve(keepOffice, takePackage string) (map[int64]store.ReviewSide, error) {
	resolve := map[int64]store.ReviewSide{}
	for _, side := range []struct {
		side store.ReviewSide
		list string
	}{{store.KeepOffice, keepOffice}, {store.TakePackage, takePackage}} {
		for _, s := range strings.Split(side.list, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("alarm id %q: want a number", s)
			}
			if _, dup := resolve[id]; dup {
				return nil, fmt.Errorf("alarm %d is both in --keep-office and --take-package", id)
			}
			resolve[id] = side.side
		}
	}
	return resolve, nil
}

// WriteReviewImport writes what a review import did: the counts, then one
// line per review already imported, refused, or in conflict. The error says
// what is left to the officer: conflicts to settle, decisions refused, or a
// package imported before that brought nothing new; nil when all went in.
func WriteReviewImport(w io.Writer, res store.ReviewImport) error {
	fmt.Fprintf(w, "imported %d reviews, set aside %d, %d alarms unchanged, %d conflicts, %d already imported, %d refused / 导入 %d 条\n",
		res.Imported, res.SetAside, res.Unchanged, len(res.Conflicts), len(res.AlreadyApplied), len(res.Refused), res.Imported)
	when := func(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02 15:04") }
	for _, a := range res.AlreadyApplied {
		fmt.Fprintf(w, "already imported alarm %d: %s by %s at %s, imported by %s at %s / 已导入\n",
			a.AlarmID, a.Disposition, a.Reviewer, when(a.At), a.ImportedBy, when(a.ImportedAt))
	}
	for _, r := range res.Refused {
		fmt.Fprintf(w, "refused alarm %d: %s by %s at %s: %s / 未导入\n", r.AlarmID, r.Disposition, r.Reviewer, when(r.At), r.Reason)
	}
	last := func(rs []store.Review) string {
		if len(rs) == 0 {
			return "-"
		}
		r := rs[len(rs)-1]
		return fmt.Sprintf("%s by %s at %s", r.Disposition, r.Reviewer, when(r.At))
	}
	for _, c := range res.Conflicts {
		fmt.Fprintf(w, "conflict alarm %d: office %s; package %s\n", c.AlarmID, last(c.Office), last(c.Package))
	}
	switch {
	case len(res.Conflicts) > 0:
		return fmt.Errorf("%d alarms reviewed in both places: run again with --keep-office or --take-package for them", len(res.Conflicts))
	case len(res.Refused) > 0:
		return fmt.Errorf("%d decisions refused: dated outside the export (%s) and this import / %d 条审核时间不可信，未导入",
			len(res.Refused), when(res.Package.CreatedAt), len(res.Refused))
	case res.Imported == 0 && res.SetAside == 0 && len(res.AlreadyApplied) > 0:
		return fmt.Errorf("package %s was imported before: its %d decisions are already applied, nothing new / 此审核包已导入过",
			res.Package.ID, len(res.AlreadyApplied))
	}
	return nil
}
