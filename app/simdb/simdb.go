// Package simdb puts a simulated district (app/sim) into the files and
// databases the real one lives in: its registry spreadsheet, and a database
// holding its registry and the control orders its scripted violations breach
// (`simulate --out/--db`, `demo`), and the Plan both commands run: where the
// terminals come from, when the run starts, what goes wrong (plan.go).
package simdb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"powerwatch/app/registry"
	"powerwatch/app/sim"
	"powerwatch/csvsafe"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// Register imports the terminals' registry rows and the orders
// their violations breach. The rows give the points' installation date, so
// the facilities' thresholds are in force from then and replayed data from
// before the import is judged like any other.
func Register(ctx context.Context, db *sqlite.DB, rows []store.RegistryRow, orders []byte, withOrders bool) error {
	if _, err := db.ImportRegistry(ctx, "simulate", rows, false); err != nil {
		return fmt.Errorf("register simulated terminals: %w", err)
	}
	if !withOrders {
		return nil
	}
	if _, err := registry.ImportOrders(ctx, db, "simulate", bytes.NewReader(orders), "orders.csv", false, registry.Limits{}); err != nil {
		return fmt.Errorf("register the orders of the violations: %w", err)
	}
	return nil
}

// WriteRegistryFile writes rows as a registry spreadsheet: imported into a
// scratch database and exported from it, so the file is exactly what
// `export registry` writes and `import registry` reads.
func WriteRegistryFile(ctx context.Context, rows []store.RegistryRow, path string) error {
	dir, err := os.MkdirTemp("", "powerwatch-sim-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "registry.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ImportRegistry(ctx, "simulate", rows, false); err != nil {
		return fmt.Errorf("registry of the simulated district: %w", err)
	}
	var buf bytes.Buffer
	if err := registry.ExportRegistry(ctx, db, &buf, path); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// OrdersCSV is the orders file (`import orders`) of the violations that breach one.
func OrdersCSV(vs []sim.Violation) []byte {
	var buf bytes.Buffer
	w := csvsafe.NewWriter(&buf)
	w.Write([]string{"企业名称", "设施名称", "类型", "限产比例%", "开始", "结束", "预警级别", "备注"})
	for _, v := range vs {
		o, ok := v.Order()
		if !ok {
			continue
		}
		kind, cut := "停产", ""
		if o.Kind == store.Cut {
			kind, cut = "限产", strconv.FormatFloat(o.CutPercent, 'f', -1, 64)
		}
		level := map[store.Level]string{store.Yellow: "黄", store.Orange: "橙", store.Red: "红"}[o.Level]
		const layout = "2006-01-02 15:04"
		w.Write([]string{v.Enterprise, v.Production, kind, cut, o.Start.In(store.Beijing).Format(layout),
			o.End.In(store.Beijing).Format(layout), level, o.Note})
	}
	w.Flush()
	return buf.Bytes()
}
