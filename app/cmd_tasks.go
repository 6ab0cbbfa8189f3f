package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/maintenance"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func runTasksList(e *env, args []string) error {
	fs := newFlags(e, "tasks list", "[--db PATH] [--due-before T] [--status open|done|all] [--kind K] --format json|csv")
	data := addDataFlags(fs)
	due := fs.String("due-before", "", "only tasks due before this Beijing time, e.g. 2026-12-01 / 截止时间之前到期")
	status := fs.String("status", "open", "open, done or all / 状态")
	kind := fs.String("kind", "", "communication, transmission, plausibility, inspection or acceptance / 类型")
	format := fs.String("format", "", "json (one object per line) or csv / 输出格式")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("tasks list takes no arguments, got %q", strings.Join(pos, " "))
	}
	if *format != "json" && *format != "csv" {
		return usagef("--format %q: want json or csv", *format)
	}
	f, err := maintenance.TaskQuery{Status: *status, Kind: *kind, DueBefore: *due}.Filter()
	if err != nil {
		return usagef("%v", err)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	ts, err := db.FindTasks(e.ctx, f)
	if err != nil {
		return err
	}
	reg, err := db.LoadRegistry(e.ctx)
	if err != nil {
		return err
	}
	return maintenance.WriteTasks(e.stdout, *format, reg, ts)
}

// runRecordsExport writes maintenance records to FILE: .xlsx, every record
// of the period one row; .pdf, one record (--id) in the form's layout.
func runRecordsExport(e *env, args []string) error {
	fs := newFlags(e, "records export", "[--db PATH] [--from T] [--to T] [--enterprise ID] FILE.xlsx | --id N FILE.pdf")
	data := addDataFlags(fs)
	from := fs.String("from", "", "records of work on or after this Beijing time / 起始")
	to := fs.String("to", "", "records of work before this Beijing time / 截止")
	ent := fs.Int64("enterprise", 0, "only this enterprise's records / 企业编号")
	id := fs.Int64("id", 0, "the record to print as PDF / 记录编号")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one output file, .xlsx or .pdf")
	}
	out := pos[0]
	ext := strings.ToLower(filepath.Ext(out))
	if ext == ".pdf" && *id == 0 {
		return usagef("a PDF holds one record: give --id N")
	}
	if ext != ".pdf" && ext != ".xlsx" {
		return usagef("output %s: want a .xlsx or .pdf file", out)
	}
	f, err := maintenance.RecordQuery{From: *from, To: *to, EnterpriseID: *ent}.Filter()
	if err != nil {
		return usagef("%v", err)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	var rs []store.MaintenanceRecord
	if *id != 0 {
		r, err := db.RecordByID(e.ctx, *id)
		if err != nil {
			return err
		}
		rs = []store.MaintenanceRecord{r}
	} else if rs, err = db.FindRecords(e.ctx, f); err != nil {
		return err
	}
	office := officeOf(db)
	if ext == ".pdf" {
		err = office.PrintRecord(e.ctx, out, rs[0])
	} else {
		err = office.ExportRecords(e.ctx, out, rs)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d records\n", out, len(rs))
	return nil
}

// runReportInstall prints an enterprise's survey and installation report
// (§6.7.2) as PDF, and its point-design warnings (§6.7.1) on stderr. The
// survey is files/enterprises/ID/survey.json next to the database, or --survey.
func runReportInstall(e *env, args []string) error {
	fs := newFlags(e, "report install", "[--db PATH] --enterprise ID [--survey FILE.json] OUT.pdf")
	data := addDataFlags(fs)
	ent := fs.Int64("enterprise", 0, "the enterprise / 企业编号")
	surveyFile := fs.String("survey", "", "survey JSON (default: the one kept with the enterprise) / 踏勘记录")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *ent == 0 || !strings.EqualFold(filepath.Ext(pos[0]), ".pdf") {
		return usagef("want --enterprise ID and one output file OUT.pdf")
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	office := officeOf(db)
	var survey store.Survey
	if *surveyFile != "" {
		b, err := os.ReadFile(*surveyFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &survey); err != nil {
			return fmt.Errorf("survey %s: %w", *surveyFile, err)
		}
		survey.EnterpriseID = *ent
	} else if survey, err = maintenance.LoadSurvey(office.FS, office.Dir, *ent); err != nil {
		return err
	}
	warnings, err := office.DesignWarnings(e.ctx, survey)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(e.stderr, "warning:", w)
	}
	if err := office.PrintSurvey(e.ctx, pos[0], survey); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, pos[0])
	return nil
}

// officeOf is maintenance's paperwork on db's data folder.
func officeOf(db *sqlite.DB) maintenance.Office {
	return maintenance.Office{Store: db, FS: afero.NewOsFs(), Dir: maintenance.FilesDir(db.Path())}
}

// runAcceptance is the acceptance / inspection test (§6.7.4, §6.10): run it
// after the installer switched each facility off and on; it lists each point
// as pass or fail, and with --people stores the result as a record.
func runAcceptance(e *env, args []string) error {
	fs := newFlags(e, "acceptance", "[--db PATH] --enterprise ID [--since T] [--kind acceptance|inspection] [--people NAMES]")
	data := addDataFlags(fs)
	ent := fs.Int64("enterprise", 0, "the enterprise under test / 企业编号")
	since := fs.String("since", "", "start of the test, Beijing time (default: one hour ago) / 测试开始时间")
	kind := fs.String("kind", "acceptance", "acceptance (验收) or inspection (巡检)")
	people := fs.String("people", "", "store the result as a maintenance record done by these people / 保存为运维记录")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *ent == 0 {
		return usagef("want --enterprise ID")
	}
	if *kind != string(store.TaskAcceptance) && *kind != string(store.TaskInspection) {
		return usagef("--kind %q: want acceptance or inspection", *kind)
	}
	now := time.Now()
	from := now.Add(-time.Hour)
	if *since != "" {
		if from, err = parseBeijing("since", *since); err != nil {
			return err
		}
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := service.Acceptance(e.ctx, db, *ent, from, now)
	if err != nil {
		return err
	}
	verdict := maintenance.WriteAcceptance(e.stdout, results)
	if *people != "" {
		rec, err := service.SaveTest(e.ctx, db, defaultWho(), store.TaskKind(*kind), *ent, from, now, *people, results)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "记录 record %d\n", rec.ID)
	}
	return verdict
}
