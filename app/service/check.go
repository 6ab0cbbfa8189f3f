package service

import (
	"context"
	"fmt"
)

// CheckDatabase runs the integrity check that Run left out (CheckLater):
// PRAGMA quick_check over the whole file, seconds on a year's database, so
// the desktop app runs it after its window shows, and shows what it finds.
// The nightly backup checks its copy too (maintenance.Backup). It does
// nothing when Run did the check.
func (m *Main) CheckDatabase(ctx context.Context) error {
	if !m.CheckLater || m.DB == nil {
		return nil
	}
	if err := m.DB.QuickCheck(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the app is quitting
		}
		m.Logger.Error("database check failed", "err", err)
		return fmt.Errorf("database check: %w", err)
	}
	m.Logger.Info("database check passed")
	return nil
}

// DatabaseNotices is what opening the database had to work around (an inbox
// moved aside, uploads set aside): the desktop shows it once its window is up.
func (m *Main) DatabaseNotices() []string {
	if m.DB == nil {
		return nil
	}
	return m.DB.Notices()
}
