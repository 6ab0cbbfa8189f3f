package main

import (
	"context"
	"testing"

	"powerwatch/app/service"
)

// svcRunMain starts the service on 127.0.0.1:0 with its database at dbPath,
// for the tests that drive it together with the CLI (the service's own
// tests have theirs in app/service).
func svcRunMain(tb testing.TB, dbPath string, edit func(*service.Config)) *service.Main {
	tb.Helper()
	m := service.NewMain()
	m.Config.DB = dbPath
	m.Config.Listen = "127.0.0.1:0"
	if edit != nil {
		edit(&m.Config)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return m
}
