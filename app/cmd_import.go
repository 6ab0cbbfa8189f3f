package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/afero"

	"powerwatch/app/registry"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func runImportRegistry(e *env, args []string) error {
	return runImport(e, args, "import registry", registry.ImportRegistry)
}

func runImportOrders(e *env, args []string) error {
	return runImport(e, args, "import orders", registry.ImportOrders)
}

func runImportFilings(e *env, args []string) error {
	return runImport(e, args, "import filings", registry.ImportFilings)
}

// importFunc is one of registry's Import functions.
type importFunc func(ctx context.Context, st registry.Store, who string, r io.Reader, name string, dryRun bool, lim registry.Limits) (store.ImportSummary, error)

// runImport runs one import command: check the whole file, then write it in one
// transaction or not at all.
func runImport(e *env, args []string, path string, imp importFunc) error {
	fs := newFlags(e, path, "FILE.xlsx|FILE.csv [--db PATH] [--dry-run] [--who NAME]")
	data := addDataFlags(fs)
	dryRun := fs.Bool("dry-run", false, "check and report, write nothing / 只检查不写入")
	who := fs.String("who", defaultWho(), "name recorded in the audit log / 操作人")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one file, got %d", len(pos))
	}
	cfg, err := loadServeConfig(afero.NewOsFs(), data, "") // the import limits
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := imp(e.ctx, db, *who, f, pos[0], *dryRun, cfg.Import.Limits())
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, sum.String())
	return nil
}

// openDataDB opens --db, or powerwatch.db in the user's data folder.
func openDataDB(ctx context.Context, d *dataFlags) (*sqlite.DB, error) {
	path := d.path()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, path)
}

// defaultWho is the operator's name marked as the CLI's, for the audit log.
func defaultWho() string { return service.OperatorName() + " (cli)" }
