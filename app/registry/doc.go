// Package registry reads and writes the officers' spreadsheets: the registry
// (one row per monitoring point), control orders and 报备 filings, as .xlsx or
// .csv with Chinese headers (English aliases accepted). It checks a whole file
// before writing anything and reports every bad cell with its row and column;
// the store then applies the rows in one transaction, so an import is all or
// nothing, and importing the same file again changes nothing.
package registry

import (
	"context"

	"powerwatch/store"
)

// Store is what imports and exports need from the database. *sqlite.DB
// satisfies it.
type Store interface {
	// LoadRegistry returns a snapshot of the whole registry.
	LoadRegistry(ctx context.Context) (*store.Registry, error)
	// ImportRegistry applies checked rows in one transaction (see store.RegistryRow).
	ImportRegistry(ctx context.Context, who string, rows []store.RegistryRow, dryRun bool) (store.ImportSummary, error)
	// ImportOrders applies control orders in one transaction, matching stored ones.
	ImportOrders(ctx context.Context, who string, orders []store.Order, dryRun bool) (store.ImportSummary, error)
	// ImportFilings applies 报备 filings in one transaction, matching stored ones.
	ImportFilings(ctx context.Context, who string, filings []store.Filing, dryRun bool) (store.ImportSummary, error)
}
