// Package evidence writes the evidence file of an alarm for enforcement: a
// folder with a PDF (enterprise, facilities, the alarm's facts, its curve
// chart, the rule parameters and thresholds in force, the reviews), the raw
// HJ 212 packets of the period as received with their CRC status, the series
// as CSV, and a manifest with the SHA-256 of every file, so that anyone can
// check that nothing was changed afterwards.
package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"powerwatch/alarmview"
	"powerwatch/store"
)

// Source is what an evidence file is made from; *sqlite.DB has these methods.
// The alarm, its series, facilities, thresholds and rule set are read as the
// window reads them (alarmview.Source).
type Source interface {
	alarmview.Source
	EnterpriseByID(ctx context.Context, id int64) (store.Enterprise, error)
	TerminalByID(ctx context.Context, id int64) (store.Terminal, error)
	RawPackets(ctx context.Context, mn string, from, to time.Time) ([]store.RawPacket, error)
	// AppendAudit records the export, so that every evidence folder handed
	// out is in the audit log with its hashes.
	AppendAudit(ctx context.Context, e store.AuditEntry) error
}

// Options tune an export.
type Options struct {
	Margin   time.Duration      // the period shown around the alarm; 0: 2 h
	Who      string             // who exported it, printed in the PDF
	Now      func() time.Time   // nil: time.Now
	Compress bool               // compress the PDF's streams (off lets tests read its text)
	Key      ed25519.PrivateKey // signs the manifest; required (LoadOrCreateKey)
}

// The files of an evidence folder.
const (
	FilePDF      = "evidence.pdf"
	FileChart    = "chart.png"
	FileRaw      = "raw_packets.csv"
	FileFrames   = "raw_frames.txt"
	FileSeries   = "series.csv"
	FileManifest = "manifest.json"
	FileSums     = "SHA256SUMS" // the same hashes in sha256sum's format, for `sha256sum -c`

	FileSignature = "manifest.sig"    // Ed25519 signature of manifest.json's bytes, base64
	FilePublicKey = "signing_key.pub" // the public key and its fingerprint, as printed in the PDF
)

// A Manifest lists the files of an evidence folder with their hashes.
type Manifest struct {
	AlarmID   int64          `json:"alarm_id"`
	CreatedAt time.Time      `json:"created_at"`
	CreatedBy string         `json:"created_by"`
	From      time.Time      `json:"from"`
	To        time.Time      `json:"to"`
	Files     []ManifestFile `json:"files"`

	PublicKey   string `json:"public_key"`      // Ed25519, base64: the key manifest.sig verifies with
	Fingerprint string `json:"key_fingerprint"` // SHA-256 of the public key, as Fingerprint prints it
}

// A ManifestFile is one file of the folder.
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Export writes the evidence of alarm id into dir, which must not exist yet
// or be empty, and returns its manifest.
func Export(ctx context.Context, src Source, id int64, dir string, o Options) (Manifest, error) {
	m := Manifest{AlarmID: id, CreatedBy: o.Who}
	fail := func(err error) (Manifest, error) {
		return m, fmt.Errorf("export evidence of alarm %d to %s: %w", id, dir, err)
	}
	if o.Margin <= 0 {
		o.Margin = 2 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Key) != ed25519.PrivateKeySize {
		return fail(errors.New("no signing key"))
	}
	if strings.TrimSpace(o.Who) == "" {
		return fail(fmt.Errorf("who is empty: %w", store.ErrInvalid))
	}
	pub := o.Key.Public().(ed25519.PublicKey)
	m.PublicKey, m.Fingerprint = base64.StdEncoding.EncodeToString(pub), Fingerprint(pub)
	m.CreatedAt = o.Now().Truncate(time.Second)
	if err := emptyDir(dir); err != nil {
		return fail(err)
	}
	f, err := gather(ctx, src, id, o.Margin)
	if err != nil {
		return fail(err)
	}
	m.From, m.To = f.ev().From, f.ev().To
	charts, err := f.charts()
	if err != nil {
		return fail(err)
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, charts.power); err != nil {
		return fail(fmt.Errorf("encode chart: %w", err))
	}
	var pdfBuf bytes.Buffer
	if err := f.pdf(&pdfBuf, charts, m, o.Compress); err != nil {
		return fail(err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{FilePDF, pdfBuf.Bytes()},
		{FileChart, pngBuf.Bytes()},
		{FileRaw, f.rawCSV()},
		{FileFrames, f.frames()},
		{FileSeries, f.seriesCSV()},
	}
	var sums strings.Builder
	for _, file := range files {
		if err := os.WriteFile(filepath.Join(dir, file.name), file.data, 0o644); err != nil {
			return fail(err)
		}
		h := sha256.Sum256(file.data)
		m.Files = append(m.Files, ManifestFile{Name: file.name, Size: int64(len(file.data)), SHA256: hex.EncodeToString(h[:])})
		fmt.Fprintf(&sums, "%x  %s\n", h, file.name)
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fail(err)
	}
	mj = append(mj, '\n')
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(o.Key, mj)) + "\n"
	for _, file := range []struct {
		name string
		data []byte
	}{{FileManifest, mj}, {FileSignature, []byte(sig)}, {FilePublicKey, publicKeyText(pub)}, {FileSums, []byte(sums.String())}} {
		if err := os.WriteFile(filepath.Join(dir, file.name), file.data, 0o644); err != nil {
			return fail(err)
		}
	}
	mh := sha256.Sum256(mj)
	after, err := json.Marshal(map[string]any{"folder": dir, "manifest_sha256": hex.EncodeToString(mh[:]),
		"key_fingerprint": m.Fingerprint, "files": m.Files})
	if err != nil {
		return fail(err)
	}
	if err := src.AppendAudit(ctx, store.AuditEntry{Who: o.Who, Action: "export", Entity: "evidence", EntityID: id, After: string(after)}); err != nil {
		return fail(fmt.Errorf("audit: %w", err))
	}
	return m, nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("folder is not empty: %w", store.ErrConflict)
	}
	return nil
}
