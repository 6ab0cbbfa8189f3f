package maintenance

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"powerwatch/csvsafe"
	"powerwatch/store"
)

// TaskRow is a task as `tasks list` prints it: names resolved, times in Beijing.
type TaskRow struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	Due        string `json:"due"`
	Enterprise string `json:"enterprise"`
	EntID      int64  `json:"enterprise_id"`
	MN         string `json:"mn"`
	Point      string `json:"point"`
	PointID    int64  `json:"point_id"`
	Reason     string `json:"reason"`
	Detail     string `json:"detail"`
	Assignee   string `json:"assignee"`
	Job        string `json:"job"`
	Key        string `json:"key"`
	Created    string `json:"created_at"`
	Closed     string `json:"closed_at"`
	RecordID   int64  `json:"record_id"`
}

// TaskHeader is the CSV header of TaskRow.cells.
var TaskHeader = []string{"id", "kind", "status", "due", "enterprise", "enterprise_id", "mn", "point", "point_id",
	"reason", "detail", "assignee", "job", "key", "created_at", "closed_at", "record_id"}

func (r TaskRow) cells() []string {
	return []string{strconv.FormatInt(r.ID, 10), r.Kind, r.Status, r.Due, r.Enterprise, strconv.FormatInt(r.EntID, 10), r.MN,
		r.Point, strconv.FormatInt(r.PointID, 10), r.Reason, r.Detail, r.Assignee, r.Job, r.Key, r.Created, r.Closed,
		strconv.FormatInt(r.RecordID, 10)}
}

// beijingText is t in Beijing time with its offset; "" for the zero time.
func beijingText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Beijing).Format("2006-01-02T15:04:05-07:00")
}

// NewTaskRow resolves t's enterprise, terminal and point names in reg.
func NewTaskRow(reg *store.Registry, t store.Task) TaskRow {
	r := TaskRow{ID: t.ID, Kind: string(t.Kind), Status: string(t.Status), Due: beijingText(t.Due), EntID: t.EnterpriseID,
		PointID: t.PointID, Reason: t.Reason, Detail: t.Detail, Assignee: t.Assignee, Job: t.Job, Key: t.Key,
		Created: beijingText(t.CreatedAt), Closed: beijingText(t.ClosedAt), RecordID: t.RecordID}
	if e, ok := reg.Enterprise(t.EnterpriseID); ok {
		r.Enterprise = e.Name
	}
	for _, tm := range reg.Terminals {
		if tm.ID == t.TerminalID && t.TerminalID != 0 {
			r.MN = tm.MN
		}
	}
	for _, p := range reg.Points {
		if p.ID == t.PointID && t.PointID != 0 {
			r.Point = p.Name
		}
	}
	return r
}

// WriteTasks writes ts as JSON lines (format "json") or CSV.
func WriteTasks(w io.Writer, format string, reg *store.Registry, ts []store.Task) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, t := range ts {
			if err := enc.Encode(NewTaskRow(reg, t)); err != nil {
				return err
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	cw.Write(TaskHeader)
	for _, t := range ts {
		cw.Write(NewTaskRow(reg, t).cells())
	}
	cw.Flush()
	return cw.Error()
}
