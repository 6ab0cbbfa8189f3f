package main

import (
	"context"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// maintenanceUI is what the 运维 view needs: the store's tasks, records and
// job log, the paperwork of maintenance.Office (photos, surveys, printed
// records and reports), and the schedule and acceptance test of the service.
type maintenanceUI struct {
	*sqlite.DB
	maintenance.Office
	jobs []ui.JobInfo
}

var _ ui.Maintenance = (*maintenanceUI)(nil)

// newMaintenanceUI serves the 运维 view from db, with files on fsys and the
// job specs of cfg. The desktop passes it as ui.Deps.Maintenance.
func newMaintenanceUI(db *sqlite.DB, fsys afero.Fs, cfg service.Config) *maintenanceUI {
	m := &maintenanceUI{DB: db, Office: maintenance.Office{Store: db, FS: fsys, Dir: maintenance.FilesDir(db.Path())}}
	for _, j := range service.JobSpecs(cfg) {
		m.jobs = append(m.jobs, ui.JobInfo{Name: j.Name, Spec: j.Spec})
	}
	return m
}

func (m *maintenanceUI) Jobs() []ui.JobInfo { return m.jobs }

func (m *maintenanceUI) CheckSpec(spec string) error { return service.CheckSpec(spec) }

func (m *maintenanceUI) Acceptance(ctx context.Context, enterpriseID int64, since time.Time) ([]store.AcceptanceResult, error) {
	rs, err := service.Acceptance(ctx, m.DB, enterpriseID, since, time.Now())
	var out []store.AcceptanceResult
	for _, r := range rs {
		out = append(out, r.Store())
	}
	return out, err
}

func (m *maintenanceUI) SaveAcceptance(ctx context.Context, who string, kind store.TaskKind, enterpriseID int64, since time.Time, people string) (store.MaintenanceRecord, error) {
	now := time.Now()
	rs, err := service.Acceptance(ctx, m.DB, enterpriseID, since, now)
	if err != nil {
		return store.MaintenanceRecord{}, err
	}
	return service.SaveTest(ctx, m.DB, who, kind, enterpriseID, since, now, people, rs)
}
