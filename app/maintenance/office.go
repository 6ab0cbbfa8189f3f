package maintenance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"powerwatch/store"
)

// OfficeStore is what an Office reads and writes in the store; *sqlite.DB is one.
type OfficeStore interface {
	RecordSource
	AttachmentsByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Attachment, error)
	CreateAttachment(ctx context.Context, who string, a *store.Attachment) error
}

// An Office does maintenance's paperwork over one data folder: photos and
// surveys kept in Dir on FS, records and installation reports written as
// files. The 运维 view and the CLI both go through it, so both print the
// same documents from the same files.
type Office struct {
	Store OfficeStore
	FS    afero.Fs
	Dir   string // the attachments folder: FilesDir of the database
}

// FilesDir is the attachments folder next to the database at dbPath
// (DESIGN.md: files/).
func FilesDir(dbPath string) string { return filepath.Join(filepath.Dir(dbPath), "files") }

// SavePhoto keeps a photo and returns its path for MaintenanceRecord.Photos.
func (o Office) SavePhoto(_ context.Context, name string, data []byte) (string, error) {
	return SavePhoto(o.FS, o.Dir, time.Now(), name, data)
}

// ExportRecords writes records as an Excel file at path, one row each.
func (o Office) ExportRecords(ctx context.Context, path string, rs []store.MaintenanceRecord) error {
	docs, err := RecordDocs(ctx, o.Store, rs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteRecordsXLSX(&buf, docs); err != nil {
		return fmt.Errorf("export records to %s: %w", path, err)
	}
	return o.write(path, buf.Bytes(), "export records")
}

// PrintRecord writes one record as a PDF in the layout of the guideline's form.
func (o Office) PrintRecord(ctx context.Context, path string, r store.MaintenanceRecord) error {
	docs, err := RecordDocs(ctx, o.Store, []store.MaintenanceRecord{r})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteRecordPDF(&buf, docs[0], o.FS, o.Dir, true); err != nil {
		return fmt.Errorf("print record %d: %w", r.ID, err)
	}
	return o.write(path, buf.Bytes(), "print record")
}

// Survey returns the enterprise's survey, or an empty one when none was saved.
func (o Office) Survey(_ context.Context, enterpriseID int64) (store.Survey, error) {
	s, err := LoadSurvey(o.FS, o.Dir, enterpriseID)
	if errors.Is(err, fs.ErrNotExist) {
		return store.Survey{EnterpriseID: enterpriseID}, nil
	}
	return s, err
}

// SaveSurvey keeps the survey in the enterprise's files and lists it among
// the enterprise's attachments (一企一档) the first time.
func (o Office) SaveSurvey(ctx context.Context, who string, s store.Survey) error {
	rel, err := SaveSurvey(o.FS, o.Dir, s)
	if err != nil {
		return err
	}
	as, err := o.Store.AttachmentsByEnterprise(ctx, s.EnterpriseID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.Path == rel {
			return nil
		}
	}
	return o.Store.CreateAttachment(ctx, who, &store.Attachment{EnterpriseID: s.EnterpriseID, Name: "现场勘察记录 survey", Kind: "report", Path: rel})
}

// DesignWarnings checks the survey's point design against §6.7.1 and the registry.
func (o Office) DesignWarnings(ctx context.Context, s store.Survey) ([]string, error) {
	doc, err := o.reportDoc(ctx, s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range CheckDesign(doc.Design()) {
		out = append(out, w.Message)
	}
	return out, nil
}

// PrintSurvey writes the survey and installation report (§6.7.2) as PDF at path.
func (o Office) PrintSurvey(ctx context.Context, path string, s store.Survey) error {
	doc, err := o.reportDoc(ctx, s)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteInstallationReportPDF(&buf, doc, o.FS, o.Dir, true); err != nil {
		return fmt.Errorf("print the installation report of enterprise %d: %w", s.EnterpriseID, err)
	}
	return o.write(path, buf.Bytes(), "print survey")
}

// reportDoc is the installation report of s's enterprise.
func (o Office) reportDoc(ctx context.Context, s store.Survey) (ReportDoc, error) {
	reg, err := o.Store.LoadRegistry(ctx)
	if err != nil {
		return ReportDoc{}, err
	}
	en, ok := reg.Enterprise(s.EnterpriseID)
	if !ok {
		return ReportDoc{}, fmt.Errorf("enterprise %d: %w", s.EnterpriseID, store.ErrNotFound)
	}
	return NewReportDoc(reg, en, s), nil
}

func (o Office) write(path string, data []byte, what string) error {
	if err := afero.WriteFile(o.FS, path, data, 0o644); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
