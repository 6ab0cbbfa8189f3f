package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// filesDir is the attachments folder next to the database (DESIGN.md: files/).
func filesDir(db *sqlite.DB) string { return filepath.Join(filepath.Dir(db.Path()), "files") }

// maintenanceUI is what the 运维 view needs: the store's tasks, records and
// job log, plus photos, exports and the schedule from the app.
type maintenanceUI struct {
	*sqlite.DB
	fs   afero.Fs
	jobs []ui.JobInfo
}

var _ ui.Maintenance = (*maintenanceUI)(nil)

// newMaintenanceUI serves the 运维 view from db, with files on fsys and the
// job specs of cfg. The desktop passes it as ui.Deps.Maintenance.
func newMaintenanceUI(db *sqlite.DB, fsys afero.Fs, cfg Config) *maintenanceUI {
	m := &maintenanceUI{DB: db, fs: fsys}
	for _, j := range (&Main{Config: cfg}).jobs() {
		m.jobs = append(m.jobs, ui.JobInfo{Name: j.name, Spec: j.spec})
	}
	return m
}

// MaintenanceUI is the 运维 view's dependency on the running service.
func (m *Main) MaintenanceUI() ui.Maintenance { return newMaintenanceUI(m.DB, m.FS, m.Config) }

func (m *maintenanceUI) Jobs() []ui.JobInfo { return m.jobs }

func (m *maintenanceUI) CheckSpec(spec string) error {
	_, err := cronParser.Parse(spec)
	return err
}

func (m *maintenanceUI) SavePhoto(_ context.Context, name string, data []byte) (string, error) {
	return maintenance.SavePhoto(m.fs, filesDir(m.DB), time.Now(), name, data)
}

func (m *maintenanceUI) ExportRecords(ctx context.Context, path string, rs []store.MaintenanceRecord) error {
	docs, err := recordDocs(ctx, m.DB, rs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := maintenance.WriteRecordsXLSX(&buf, docs); err != nil {
		return err
	}
	if err := afero.WriteFile(m.fs, path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export records: %w", err)
	}
	return nil
}

func (m *maintenanceUI) PrintRecord(ctx context.Context, path string, r store.MaintenanceRecord) error {
	docs, err := recordDocs(ctx, m.DB, []store.MaintenanceRecord{r})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := maintenance.WriteRecordPDF(&buf, docs[0], m.fs, filesDir(m.DB), true); err != nil {
		return err
	}
	if err := afero.WriteFile(m.fs, path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("print record: %w", err)
	}
	return nil
}
