package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"powerwatch/app/evidence"
	"powerwatch/app/listing"
	"powerwatch/app/service"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// evidenceDesk writes evidence folders for the 报警 view (ui.EvidenceExporter).
type evidenceDesk struct {
	db     *sqlite.DB
	zip    bool   // also pack the folder into a .zip next to it
	keyDir string // where the signing key is kept; "": the database's folder (the data folder)
}

// ExportEvidence writes the evidence of alarm id into a new folder under dir
// (evidence.ExportFolder), signed with the key of the data folder.
func (d evidenceDesk) ExportEvidence(ctx context.Context, id int64, dir, who string) (string, error) {
	keyDir := d.keyDir
	if keyDir == "" {
		keyDir = filepath.Dir(d.db.Path())
	}
	return evidence.ExportFolder(ctx, d.db, id, dir, evidence.FolderOptions{Who: who, Now: d.db.Now(), KeyDir: keyDir, Zip: d.zip})
}

func runAlarmsEvidence(e *env, args []string) error {
	fs := newFlags(e, "alarms evidence", "ID --out DIR [--zip] [--who NAME] [--db PATH]")
	data := addDataFlags(fs)
	out := fs.String("out", "", "folder to create the evidence folder in")
	zip := fs.Bool("zip", false, "also pack the evidence folder into a .zip")
	who := fs.String("who", service.OperatorName(), "who exports it, printed in the PDF")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usagef("want one alarm id and --out DIR")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("alarm id %q: want a positive number", pos[0])
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	path, err := evidenceDesk{db: db, zip: *zip}.ExportEvidence(e.ctx, id, *out, *who)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}

func runAlarmsVerify(e *env, args []string) error {
	fs := newFlags(e, "alarms verify", "DIR [--fingerprint FP] [--db PATH]")
	data := addDataFlags(fs)
	fp := fs.String("fingerprint", "", "the signing key's SHA-256 fingerprint the bureau published (default: this installation's key)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one evidence folder")
	}
	if *fp != "" {
		if _, err := evidence.ParseFingerprint(*fp); err != nil {
			return usagef("--fingerprint: %v", err)
		}
	}
	m, checked, err := evidence.VerifyTrusted(pos[0], filepath.Dir(data.path()), *fp)
	if err != nil {
		return err
	}
	if !checked {
		fmt.Fprintf(e.stdout, "alarm %d: %d files match the signed manifest, but no trusted key to compare with: "+
			"check that the key fingerprint %s is the bureau's (--fingerprint) / 签名有效，请核对密钥指纹\n", m.AlarmID, len(m.Files), m.Fingerprint)
		return nil
	}
	fmt.Fprintf(e.stdout, "alarm %d: %d files match the manifest signed by key %s / 文件未被改动，签名有效\n", m.AlarmID, len(m.Files), m.Fingerprint)
	return nil
}

func runReviewExport(e *env, args []string) error {
	fs := newFlags(e, "review export", "--out FILE [--from T --to T] [--type T] [--grade G] [--status S] [--enterprise NAME] [--db PATH]")
	data := addDataFlags(fs)
	q := addAlarmQuery(fs)
	out := fs.String("out", "", "the review package file to create (e.g. review.pwreview)")
	who := fs.String("who", service.OperatorName(), "who exports it, for the audit log")
	margin := fs.Duration("margin", 2*time.Hour, "series and raw packets copied around each alarm")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *out == "" {
		return usagef("want --out FILE and no other argument")
	}
	f, err := alarmFilter(q)
	if err != nil {
		return err
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.ExportReviewPackage(e.ctx, *who, *out, f, *margin)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d alarms / 条报警 (package %s)\n", *out, p.Alarms, p.ID)
	return nil
}

func runReviewImport(e *env, args []string) error {
	fs := newFlags(e, "review import", "FILE [--keep-office IDS] [--take-package IDS] [--db PATH]")
	data := addDataFlags(fs)
	who := fs.String("who", service.OperatorName(), "who imports it, for the audit log")
	office := fs.String("keep-office", "", "alarm ids in conflict whose office decision stands, comma-separated")
	pkg := fs.String("take-package", "", "alarm ids in conflict whose package decision wins, comma-separated")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one review package file")
	}
	resolve, err := listing.ReviewResolve(*office, *pkg)
	if err != nil {
		return usagef("%v", err)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ImportReviewPackage(e.ctx, *who, pos[0], resolve)
	if err != nil {
		return err
	}
	return listing.WriteReviewImport(e.stdout, res)
}

// withReview adds what the 报警, 统计 and 管控 views need of db to d: alarm
// evidence and reviews, evidence folders (zipped too), offline review
// packages, hourly energy for the day/night comparison, the order desk,
// the rule what-if of 设置 and 一企一档's limit proposals.
func withReview(db *sqlite.DB, d ui.Deps) ui.Deps {
	d.Review, d.Evidence, d.Packages, d.DayNight = db, evidenceDesk{db: db, zip: true}, db, db
	d.Orders, d.Replay = orderDesk{DB: db}, ruleDesk{db: db}
	d.Limits = limitDesk{db: db}
	return d
}
