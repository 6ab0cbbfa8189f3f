package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/app/service"
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
func newMaintenanceUI(db *sqlite.DB, fsys afero.Fs, cfg service.Config) *maintenanceUI {
	m := &maintenanceUI{DB: db, fs: fsys}
	for _, j := range service.JobSpecs(cfg) {
		m.jobs = append(m.jobs, ui.JobInfo{Name: j.Name, Spec: j.Spec})
	}
	return m
}

func (m *maintenanceUI) Jobs() []ui.JobInfo { return m.jobs }

func (m *maintenanceUI) CheckSpec(spec string) error { return service.CheckSpec(spec) }

func (m *maintenanceUI) SavePhoto(_ context.Context, name string, data []byte) (string, error) {
	return maintenance.SavePhoto(m.fs, filesDir(m.DB), time.Now(), name, data)
}

func (m *maintenanceUI) ExportRecords(ctx context.Context, path string, rs []store.MaintenanceRecord) error {
	docs, err := maintenance.RecordDocs(ctx, m.DB, rs)
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
	docs, err := maintenance.RecordDocs(ctx, m.DB, []store.MaintenanceRecord{r})
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

func (m *maintenanceUI) enterprise(ctx context.Context, id int64) (*store.Registry, store.Enterprise, error) {
	reg, err := m.LoadRegistry(ctx)
	if err != nil {
		return nil, store.Enterprise{}, err
	}
	en, ok := reg.Enterprise(id)
	if !ok {
		return nil, en, fmt.Errorf("enterprise %d: %w", id, store.ErrNotFound)
	}
	return reg, en, nil
}

// Survey returns the enterprise's survey, or an empty one when none was saved.
func (m *maintenanceUI) Survey(_ context.Context, enterpriseID int64) (store.Survey, error) {
	s, err := maintenance.LoadSurvey(m.fs, filesDir(m.DB), enterpriseID)
	if errors.Is(err, fs.ErrNotExist) {
		return store.Survey{EnterpriseID: enterpriseID}, nil
	}
	return s, err
}

// SaveSurvey keeps the survey in the enterprise's files and lists it among
// the enterprise's attachments the first time.
func (m *maintenanceUI) SaveSurvey(ctx context.Context, who string, s store.Survey) error {
	rel, err := maintenance.SaveSurvey(m.fs, filesDir(m.DB), s)
	if err != nil {
		return err
	}
	as, err := m.AttachmentsByEnterprise(ctx, s.EnterpriseID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.Path == rel {
			return nil
		}
	}
	return m.CreateAttachment(ctx, who, &store.Attachment{EnterpriseID: s.EnterpriseID, Name: "现场勘察记录 survey", Kind: "report", Path: rel})
}

func (m *maintenanceUI) DesignWarnings(ctx context.Context, s store.Survey) ([]string, error) {
	reg, en, err := m.enterprise(ctx, s.EnterpriseID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range maintenance.CheckDesign(maintenance.NewReportDoc(reg, en, s).Design()) {
		out = append(out, w.Message)
	}
	return out, nil
}

func (m *maintenanceUI) PrintSurvey(ctx context.Context, path string, s store.Survey) error {
	reg, en, err := m.enterprise(ctx, s.EnterpriseID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := maintenance.WriteInstallationReportPDF(&buf, maintenance.NewReportDoc(reg, en, s), m.fs, filesDir(m.DB), true); err != nil {
		return err
	}
	if err := afero.WriteFile(m.fs, path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("print survey: %w", err)
	}
	return nil
}

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
