package registry

import (
	"context"
	"io"

	"powerwatch/store"
)

// ReadRows checks a registry file as ImportRegistry does (against
// an empty registry) and returns its rows, without a database.
func ReadRows(r io.Reader, name string) ([]store.RegistryRow, error) {
	var c rowCatcher
	if _, err := ImportRegistry(context.Background(), &c, "simulate", r, name, true, Limits{}); err != nil {
		return nil, err
	}
	return c.rows, nil
}

// rowCatcher is a Store that keeps the rows of an import and stores nothing.
type rowCatcher struct{ rows []store.RegistryRow }

func (c *rowCatcher) LoadRegistry(context.Context) (*store.Registry, error) {
	reg := &store.Registry{}
	reg.Index()
	return reg, nil
}

func (c *rowCatcher) ImportRegistry(_ context.Context, _ string, rows []store.RegistryRow, _ bool) (store.ImportSummary, error) {
	c.rows = rows
	return store.ImportSummary{DryRun: true}, nil
}

func (c *rowCatcher) ImportOrders(context.Context, string, []store.Order, bool) (store.ImportSummary, error) {
	return store.ImportSummary{}, nil
}

func (c *rowCatcher) ImportFilings(context.Context, string, []store.Filing, bool) (store.ImportSummary, error) {
	return store.ImportSummary{}, nil
}
